package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import java.math.BigDecimal;

/** What the platform said to our order. */
public sealed interface SubmitAnswer {

    /**
     * Taken: the platform has the order.
     *
     * @param status  the order's state when the answer itself tells it (a storefront paid from our balance answers
     *                with the 卡密 at once), else {@code null}; a final one ends the run without a query
     */
    record Accepted(String platformOrderNo, BigDecimal amount, String text, OrderStatus status)
            implements SubmitAnswer {

        public Accepted(String platformOrderNo, BigDecimal amount, String text) {
            this(platformOrderNo, amount, text, null);
        }
    }

    /**
     * A checkout that spends nothing: the order was created, its pay route followed to the gateway's page, and left
     * unpaid to expire.
     *
     * @param platformOrderNo  the store's order number
     * @param amount           what the store asks for it
     * @param text             what the gateway's page showed
     */
    record CheckedOut(String platformOrderNo, BigDecimal amount, String text) implements SubmitAnswer {
    }

    /** Refused in so many words; no order exists. */
    record Refused(String message) implements SubmitAnswer {
    }

    /**
     * No usable answer: the order may or may not exist, so it is queried, never submitted again.
     *
     * @param reason        how to classify it if the order turns out not to exist
     * @param evidence      what we saw
     * @param maybeArrived  false when the request provably never left (refused connection, DNS, connect timeout)
     */
    record Unknown(Reason reason, String evidence, boolean maybeArrived) implements SubmitAnswer {
    }
}
