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

    /** @throws ParseException when {@code cron} is not a Quartz cron expression */
    public MaintenanceWindow(String cron, Duration duration, String note, ZoneId zone) throws ParseException {
        this.cron = cron;
        this.duration = duration;
        this.note = note == null ? "" : note;
        this.expression = new CronExpression(cron);
        this.expression.setTimeZone(TimeZone.getTimeZone(zone));
    }

    /** Whether {@code at} falls in a window: one started at or before it and has not yet ended. */
    public boolean covers(Instant at) {
        Date start = expression.getNextValidTimeAfter(Date.from(at.minus(duration)));
        return start != null && !start.toInstant().isAfter(at);
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
