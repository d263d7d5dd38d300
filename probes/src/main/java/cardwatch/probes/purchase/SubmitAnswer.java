package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import java.math.BigDecimal;

/** What the platform said to our order. */
public sealed interface SubmitAnswer {

    /** Taken: the platform has the order. */
    record Accepted(String platformOrderNo, BigDecimal amount, String text) implements SubmitAnswer {
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
