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

    /**
     * The longest wait between two runs: the interval, or the longest gap between a cron expression's fires over
     * the next 8 days (a weekly expression's week; at most 20,000 fires read). Null for a cron expression that does
     * not parse or fires fewer than twice.
     */
    public Duration longestGap() {
        if (!isCron()) {
            return every;
        }
        try {
            org.quartz.CronExpression expression = new org.quartz.CronExpression(cron);
            java.util.Date at = expression.getNextValidTimeAfter(new java.util.Date());
            long end = at == null ? 0 : at.getTime() + Duration.ofDays(8).toMillis();
            Duration longest = null;
            for (int i = 0; i < 20_000 && at != null && at.getTime() < end; i++) {
                java.util.Date next = expression.getNextValidTimeAfter(at);
                if (next == null) {
                    break;
                }
                Duration gap = Duration.ofMillis(next.getTime() - at.getTime());
                longest = longest == null || gap.compareTo(longest) > 0 ? gap : longest;
                at = next;
            }
            return longest;
        } catch (java.text.ParseException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return (isCron() ? "cron '" + cron + "'" : "every " + every) + " with jitter " + jitter;
    }
}
