package cardwatch.probes.purchase;

/**
 * An async notify from a platform, after its signature was checked.
 *
 * @param clientOrderId   our order id it is about
 * @param signatureValid  whether its signature verified; one that did not is refused and never reaches a run: anyone
 *                        can post a notify, so an unverified one is no evidence of anything
 * @param status          the order status it reports
 */
public record Notify(String clientOrderId, boolean signatureValid, OrderStatus status) {
}
