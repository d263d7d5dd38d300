package cardwatch.probes;

import java.util.Locale;

/** Qualifies a run without deciding it. */
public enum Flag {
    /** The final state was seen only by query: the platform's async notify never came. */
    NOTIFY_MISSING,
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
