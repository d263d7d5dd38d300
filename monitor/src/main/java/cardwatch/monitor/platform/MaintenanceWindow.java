package cardwatch.monitor.platform;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A recurring maintenance window: it starts at each fire time of a Quartz {@code cron} expression, read in the
 * service's time zone (Asia/Shanghai by default), and lasts {@code duration}. A bank window 00:00–03:00 daily is
 * {@code cron: "0 0 0 * * ?"} with {@code duration: 3h}.
 */
public final class MaintenanceWindow {

    /** The key of a platform's windows among its options. */
    public static final String OPTION = "maintenance";

    private final String cron;
    private final Duration duration;
    private final String note;
    private final CronExpression expression;
    /** The last answer and the stretch of time it holds for: runs ask about nearby moments, over and over. */
    private volatile Known known;

    private record Known(Instant from, Instant until, boolean covered) {
        boolean holds(Instant at) {
            return !at.isBefore(from) && at.isBefore(until);
        }
    }

    /** @throws ParseException when {@code cron} is not a Quartz cron expression */
    public MaintenanceWindow(String cron, Duration duration, String note, ZoneId zone) throws ParseException {
        this.cron = cron;
        this.duration = duration;
        this.note = note == null ? "" : note;
        this.expression = new CronExpression(cron);
        this.expression.setTimeZone(TimeZone.getTimeZone(zone));
    }

    /**
     * Whether {@code at} falls in a window: one started at or before it and has not yet ended. The answer is kept with
     * the time it holds for (until that window ends, or until the next one starts), so the schedule's many questions
     * about the same hours cost one cron evaluation each.
     */
    public boolean covers(Instant at) {
        Known last = known;
        if (last != null && last.holds(at)) {
            return last.covered();
        }
        Date found = expression.getNextValidTimeAfter(Date.from(at.minus(duration)));
        Instant start = found == null ? null : found.toInstant();
        Known now;
        if (start != null && !start.isAfter(at)) {
            now = new Known(start, start.plus(duration), true);
        } else {
            // no window covers at; one may end just before it: nothing is known before at itself
            now = new Known(at, start == null ? Instant.MAX : start, false);
        }
        known = now;
        return now.covered();
    }

    public String cron() {
        return cron;
    }

    public Duration duration() {
        return duration;
    }

    public String note() {
        return note;
    }

    @Override
    public String toString() {
        return "maintenance window '" + cron + "' for " + duration + (note.isEmpty() ? "" : " (" + note + ")");
    }
}
