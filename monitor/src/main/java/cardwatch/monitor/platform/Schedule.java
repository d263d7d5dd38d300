package cardwatch.monitor.platform;

import java.time.Duration;

/**
 * When a probe runs: every {@code every}, or at a Quartz {@code cron} expression, each run delayed by a random
 * share of {@code jitter}.
 */
public record Schedule(Duration every, String cron, Duration jitter) {

    public boolean isCron() {
        return cron != null;
    }

    @Override
    public String toString() {
        return (isCron() ? "cron '" + cron + "'" : "every " + every) + " with jitter " + jitter;
    }
}
