package cardwatch.probes.purchase;

/**
 * An async notify from a platform, after its signature was checked.
 *
 * @param clientOrderId   our order id it is about
 * @param signatureValid  whether its signature verified; an invalid one is evidence, never a state
 * @param status          the order status it reports
 */
public record Notify(String clientOrderId, boolean signatureValid, OrderStatus status) {
}
