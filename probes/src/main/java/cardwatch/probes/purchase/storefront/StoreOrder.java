package cardwatch.probes.purchase.storefront;

import cardwatch.probes.purchase.OrderStatus;

/**
 * An order as a storefront shows it.
 *
 * @param orderNo  the store's order number (tradeNo, orderSN)
 * @param payment  how it is paid
 * @param status   its state, delivery and the store's words
 */
public record StoreOrder(String orderNo, Payment payment, OrderStatus status) {
}
