package cardwatch.probes;

import java.util.Locale;

/** Qualifies a run without deciding it. */
public enum Flag {
    /** The final state was seen only by query: the platform's async notify never came. */
    NOTIFY_MISSING,
    /** A signed notify and the platform's own query disagree about the order's final state. */
    NOTIFY_CONFLICT,
    /**
     * An availability check whose first request failed was tried again at once: it succeeded (a blip) or failed too.
     * Both requests are evidence.
     */
    RETRIED,
    /**
     * A checkout that spends nothing: the order was created and the gateway's page checked, never paid. Such a run says
     * nothing about delivery.
     */
    CHECKOUT_ONLY,
    REFUND_PENDING,
    REFUNDED,
    NOT_REFUNDED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Flag fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
