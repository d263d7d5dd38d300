package cardwatch.probes;

import java.util.Locale;

/** How a probe run ended. {@link #ERROR} is our side's problem and never counts against a platform. */
public enum Outcome {
    SUCCESS, FAILURE, ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
