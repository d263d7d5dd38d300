package cardwatch.probes;

import java.util.Locale;

/**
 * Why a run did not succeed: a bounded set, used as a metric label. Each reason belongs to one outcome:
 * the platform's fault ({@link Outcome#FAILURE}) or ours ({@link Outcome#ERROR}).
 */
public enum Reason {
    NONE(Outcome.SUCCESS),

    PAYMENT_FAILED(Outcome.FAILURE),
    CALLBACK_LOST(Outcome.FAILURE),
    STUCK_PROCESSING(Outcome.FAILURE),
    UPSTREAM_FAILED(Outcome.FAILURE),
    DUPLICATE_CHARGE(Outcome.FAILURE),
    NOT_DELIVERED(Outcome.FAILURE),
    OUT_OF_STOCK(Outcome.FAILURE),
    RISK_REJECTED(Outcome.FAILURE),
    TIMEOUT(Outcome.FAILURE),
    HTTP_ERROR(Outcome.FAILURE),
    PROTOCOL_ERROR(Outcome.FAILURE),
    MAINTENANCE(Outcome.FAILURE),
    /** The ICP filing is not valid: mismatched, not found, missing or suspicious (the status says which). */
    COMPLIANCE(Outcome.FAILURE),

    CONFIG(Outcome.ERROR),
    CREDENTIALS(Outcome.ERROR),
    BUDGET(Outcome.ERROR),
    NETWORK(Outcome.ERROR),
    INTERNAL(Outcome.ERROR);

    private final Outcome outcome;

    Reason(Outcome outcome) {
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Reason fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
