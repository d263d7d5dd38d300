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
    /** The platform's name did not resolve (NXDOMAIN) while other hosts answered: the site is gone or misconfigured. */
    DNS_FAILED(Outcome.FAILURE),
    /** Nothing accepted the connection (refused, no route) while other hosts answered. */
    CONNECT_FAILED(Outcome.FAILURE),
    /** The TLS handshake failed or the certificate is not valid (expired, wrong name, untrusted). */
    TLS_FAILED(Outcome.FAILURE),
    HTTP_ERROR(Outcome.FAILURE),
    PROTOCOL_ERROR(Outcome.FAILURE),
    MAINTENANCE(Outcome.FAILURE),
    /** The ICP filing is not valid: mismatched, not found, missing or suspicious (the status says which). */
    COMPLIANCE(Outcome.FAILURE),

    CONFIG(Outcome.ERROR),
    /**
     * The platform did not understand our request (a field it wants under another name, a token it checks, a value it
     * does not take): our adapter's fault, never the platform's.
     */
    PROTOCOL_MISMATCH(Outcome.ERROR),
    /** The platform asks for a captcha in the purchase path: it cannot be tested automatically. */
    CAPTCHA(Outcome.ERROR),
    CREDENTIALS(Outcome.ERROR),
    BUDGET(Outcome.ERROR),
    /** Cardwatch reached no host at all in the same minutes: our network, not the platform. */
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
