package cardwatch.monitor.crowd;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a buyer saw, from the failure taxonomy, as the form offers it (its words are {@code symptom.<code>}). */
public enum Symptom {
    NOT_RECEIVED, STUCK_PROCESSING, DUPLICATE_CHARGE, REFUND_MISSING, INVALID_CODE, SITE_DOWN, SUPPORT_UNRESPONSIVE,
    OTHER;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Symptom> of(String code) {
        return Arrays.stream(values()).filter(s -> s.code().equals(code)).findFirst();
    }
}
