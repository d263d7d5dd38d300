package cardwatch.monitor.platform;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.quartz.CronExpression;

/**
 * When a probe runs: every {@code every}, or at a Quartz {@code cron} expression, each run delayed by a random
 * share of {@code jitter}.
 */
public record Schedule(Duration every, String cron, Duration jitter) {

    public boolean isCron() {
        return cron != null;
    }

    /** What a cron expression's next 8 days look like; one scan per expression, shared by every schedule. */
    private record CronShape(Duration longestGap, long firesPerDay) {
    }

    private static final Cache<String, CronShape> SHAPES = Caffeine.newBuilder().maximumSize(10_000).build();

    /**
     * The longest wait between two runs: the interval, or the longest gap between a cron expression's fires over
     * the next 8 days (a weekly expression's week). Null for a cron expression that does not parse or fires fewer
     * than twice.
     */
    public Duration longestGap() {
        return isCron() ? SHAPES.get(cron, Schedule::scan).longestGap() : every;
    }

    /** Runs in a day: whole intervals, or a cron expression's fires in the 24 hours from its next one. */
    public long firesPerDay() {
        if (isCron()) {
            return SHAPES.get(cron, Schedule::scan).firesPerDay();
        }
        long seconds = Math.max(1, every.toSeconds());
        return (Duration.ofDays(1).toSeconds() + seconds - 1) / seconds;
    }

    private static CronShape scan(String cron) {
        List<Instant> fires;
        try {
            fires = cronFires(new CronExpression(cron), Duration.ofDays(8), 20_000);
        } catch (ParseException e) {
            return new CronShape(null, 0); // the loader refuses it
        }
        Duration longest = null;
        for (int i = 1; i < fires.size(); i++) {
            Duration gap = Duration.between(fires.get(i - 1), fires.get(i));
            longest = longest == null || gap.compareTo(longest) > 0 ? gap : longest;
        }
        Instant dayEnd = fires.isEmpty() ? Instant.MIN : fires.get(0).plus(Duration.ofDays(1));
        long day = fires.stream().filter(at -> at.isBefore(dayEnd)).count();
        return new CronShape(longest, day);
    }

    /**
     * A cron expression's next fires, at most {@code max} of them; when {@code span} is not null, those within
     * {@code span} of the first and the first one after (so the last gap in the span is seen, a year for a yearly
     * expression).
     */
    static List<Instant> cronFires(CronExpression expression, Duration span, int max) {
        List<Instant> fires = new ArrayList<>();
        Date at = expression.getNextValidTimeAfter(new Date());
        Instant end = at == null || span == null ? null : at.toInstant().plus(span);
        while (at != null && fires.size() < max) {
            fires.add(at.toInstant());
            if (end != null && !at.toInstant().isBefore(end)) {
                break;
            }
            at = expression.getNextValidTimeAfter(at);
        }
        return fires;
    }

    @Override
    public String toString() {
        return (isCron() ? "cron '" + cron + "'" : "every " + every) + " with jitter " + jitter;
    }
}
