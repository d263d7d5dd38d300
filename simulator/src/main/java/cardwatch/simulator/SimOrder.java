package cardwatch.simulator;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One order in a simulated platform's order book: the ground truth that tests compare Cardwatch with.
 *
 * @param orderNumber  the platform's order number
 * @param outTradeNum  the merchant's (Cardwatch's) order id
 * @param productId    product bought
 * @param mobile       account topped up
 * @param price        amount deducted from the merchant balance
 * @param createdAt    when the order was taken
 * @param injected     the fault injected into this order ({@link Fault#NONE} when it behaved)
 * @param finalState   the yrapi state the order reaches: 1 success, 2 failed, -1 cancelled, 3 partial
 * @param completesAt  when it leaves 充值中; {@code null} if never
 * @param code         the card code (卡密/流水号) delivered, or the apology text for {@link Fault#NO_CODE}
 * @param charged      what was deducted from the merchant balance for it (twice the price for a double charge)
 * @param refund       what is returned when it fails; zero when nothing is
 * @param refundAt     when the refund lands; {@code null} when it never does
 */
public record SimOrder(String orderNumber, String outTradeNum, String productId, String mobile, BigDecimal price,
        Instant createdAt, Fault injected, int finalState, Instant completesAt, String code, BigDecimal charged,
        BigDecimal refund, Instant refundAt) {

    /** The state a query sees at {@code now}: 0 (充值中) until the order completes. */
    public int stateAt(Instant now) {
        return completesAt != null && !now.isBefore(completesAt) ? finalState : 0;
    }
}
