package cardwatch.probes.purchase.storefront;

import java.math.BigDecimal;

/**
 * What paying a storefront order takes: the gateway's trade, where to pay it and how much.
 *
 * @param tradeNo  the gateway's trade number, or empty when the store pays from our balance
 * @param payUrl   the pay URL the store gave, or empty
 * @param amount   what the store asks
 */
public record Payment(String tradeNo, String payUrl, BigDecimal amount) {

    /** The same payment, its gateway trade now known (read off the gateway's page). */
    public Payment withTradeNo(String trade) {
        return new Payment(trade, payUrl, amount);
    }
}
