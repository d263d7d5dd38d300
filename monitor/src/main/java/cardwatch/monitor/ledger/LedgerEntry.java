package cardwatch.monitor.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One fact about money, never changed once written.
 *
 * @param kind             charge (money left us), refund (money came back) or adjustment (a balance change no
 *                         order explains; positive when the balance was higher than expected)
 * @param amount           yuan, two decimals; positive for charges and refunds, signed for adjustments
 * @param source           how we know: answer, notify, query or balance
 */
public record LedgerEntry(long id, String entryKey, String platform, Long runId, String kind, BigDecimal amount,
        String currency, String platformOrderNo, String source, Instant occurredAt, String note) {

    public static final String CHARGE = "charge";
    public static final String REFUND = "refund";
    public static final String ADJUSTMENT = "adjustment";

    /** What this entry does to our balance at the platform. */
    public BigDecimal balanceEffect() {
        return switch (kind) {
            case CHARGE -> amount.negate();
            default -> amount;
        };
    }
}
