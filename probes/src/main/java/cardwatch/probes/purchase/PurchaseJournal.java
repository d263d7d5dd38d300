package cardwatch.probes.purchase;

import java.math.BigDecimal;

/**
 * What a purchase run tells the service while it runs, so that money facts are written down the moment they are
 * known, not when the run ends: a crash after this point loses nothing.
 */
public interface PurchaseJournal {

    /** Writes nothing: for tests and callers that keep no ledger. */
    PurchaseJournal NONE = new PurchaseJournal() {
    };

    /**
     * The platform holds our order (and so, for a prepaid platform, our money).
     *
     * @param platformOrderNo  the platform's order number, or empty
     * @param amount           what it took, when the answer said; {@code null} when unknown
     * @param source           how we know: {@code answer}, {@code query} or {@code notify}
     */
    default void accepted(String platformOrderNo, BigDecimal amount, String source) throws InterruptedException {
    }

    /** A confirm step ended without a final state; {@code attempt} counts from 1. */
    default void confirming(int attempt) throws InterruptedException {
    }
}
