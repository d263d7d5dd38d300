package cardwatch.monitor.site;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Runs rolled up per platform, probe and day ({@code run_daily}), rebuilt from {@code probe_run} in the background.
 * A day is a calendar day in the schedule's time zone (Asia/Shanghai).
 */
@Repository
public class RunDaily {

    /**
     * One platform's runs of one probe on one day.
     *
     * @param reasons failure reasons and their counts, most frequent first (maintenance not among them)
     * @param flags   flags of judged runs and their counts (notify_missing, notify_conflict)
     */
    public record Day(String platform, String probe, LocalDate day, int successes, int failures, int errors,
            int maintenance, Long deliveryP50Ms, Long deliveryP95Ms, Map<String, Integer> reasons,
            Map<String, Integer> flags) {

        /** Judged runs: successes and failures; our own errors and maintenance count in neither. */
        public int judged() {
            return successes + failures;
        }
    }

    /** Purchase successes and judged purchases in the last 24 hours, per platform. */
    public record Recent(Map<String, int[]> purchases24h) {
    }

    private static final class Tally {
        int successes;
        int failures;
        int errors;
        int maintenance;
        final List<Long> delivery = new ArrayList<>();
        final Map<String, Integer> reasons = new HashMap<>();
        final Map<String, Integer> flags = new HashMap<>();
    }

    /** The flags the pages count, per day. */
    static final List<String> COUNTED_FLAGS = List.of("notify_missing", "notify_conflict");

    private final JdbcClient jdbc;

    public RunDaily(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Rebuilds every day from {@code from} on out of the finished runs that started on it, and counts the last 24
     * hours' purchases as of {@code now}. Rows are read as a stream: a 90-day rebuild holds tallies, not runs.
     * Only days whose figures changed are written.
     */
    @Transactional
    public Recent rebuild(LocalDate from, ZoneId zone, Instant now) {
        Map<List<Object>, Tally> tallies = new HashMap<>();
        Map<String, int[]> recent = new HashMap<>();
        Instant dayAgo = now.minusSeconds(86_400);
        jdbc.sql("select platform_id, probe, actual_start, outcome, reason, delivery_ms, flags from probe_run "
                + "where actual_start >= ? and ended_at is not null and outcome is not null")
                .param(from.atStartOfDay(zone).toOffsetDateTime())
                .query(rs -> {
                    String platform = rs.getString(1);
                    String probe = rs.getString(2);
                    Instant started = rs.getObject(3, OffsetDateTime.class).toInstant();
                    String outcome = rs.getString(4);
                    String reason = rs.getString(5);
                    long delivery = rs.getLong(6);
                    boolean hasDelivery = !rs.wasNull();
                    String flags = rs.getString(7);
                    Tally tally = tallies.computeIfAbsent(List.of(platform, probe, LocalDate.ofInstant(started, zone)),
                            key -> new Tally());
                    boolean success = "success".equals(outcome);
                    if ("maintenance".equals(reason)) {
                        tally.maintenance++;
                    } else if ("error".equals(outcome)) {
                        tally.errors++;
                    } else if (success) {
                        tally.successes++;
                        if (hasDelivery) {
                            tally.delivery.add(delivery);
                        }
                    } else {
                        tally.failures++;
                        tally.reasons.merge(reason == null ? "unknown" : reason, 1, Integer::sum);
                    }
                    if (flags != null && !flags.isEmpty() && !"maintenance".equals(reason) && !"error".equals(outcome)) {
                        for (String flag : flags.split(",")) {
                            if (COUNTED_FLAGS.contains(flag)) {
                                tally.flags.merge(flag, 1, Integer::sum);
                            }
                        }
                    }
                    if ("purchase".equals(probe) && !started.isBefore(dayAgo) && !"maintenance".equals(reason)
                            && !"error".equals(outcome)) {
                        int[] counts = recent.computeIfAbsent(platform, key -> new int[2]);
                        counts[0] += success ? 1 : 0;
                        counts[1]++;
                    }
                });
        Map<List<Object>, Day> stored = new HashMap<>();
        since(from).forEach(day -> stored.put(List.of(day.platform(), day.probe(), day.day()), day));
        for (Map.Entry<List<Object>, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            List<Long> sorted = t.delivery.stream().sorted().toList();
            Long p50 = sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
            Long p95 = sorted.isEmpty() ? null : sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
            List<Object> key = e.getKey();
            Day day = new Day((String) key.get(0), (String) key.get(1), (LocalDate) key.get(2), t.successes,
                    t.failures, t.errors, t.maintenance, p50, p95, parse(reasons(t.reasons)), parse(reasons(t.flags)));
            Day before = stored.remove(key);
            if (day.equals(before)) {
                continue; // unchanged days are not written again: most of them, every refresh
            }
            if (before != null) {
                delete(day.platform(), day.probe(), day.day());
            }
            jdbc.sql("insert into run_daily (platform_id, probe, run_day, successes, failures, errors, maintenance, "
                    + "delivery_p50_ms, delivery_p95_ms, reasons, flags) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(day.platform(), day.probe(), day.day(), t.successes, t.failures, t.errors, t.maintenance,
                            p50, p95, reasons(t.reasons), reasons(t.flags))
                    .update();
        }
        stored.values().forEach(gone -> delete(gone.platform(), gone.probe(), gone.day()));
        return new Recent(recent);
    }

    /** Every platform's days from {@code from} on, oldest first. */
    public List<Day> since(LocalDate from) {
        return jdbc.sql("select platform_id, probe, run_day, successes, failures, errors, maintenance, delivery_p50_ms, "
                + "delivery_p95_ms, reasons, flags from run_daily where run_day >= ? order by run_day")
                .param(from)
                .query((rs, i) -> new Day(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class),
                        rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getInt(7), (Long) rs.getObject(8, Long.class),
                        (Long) rs.getObject(9, Long.class), parse(rs.getString(10)), parse(rs.getString(11))))
                .list();
    }

    private void delete(String platform, String probe, LocalDate day) {
        jdbc.sql("delete from run_daily where platform_id = ? and probe = ? and run_day = ?")
                .params(platform, probe, day).update();
    }

    /** Days before this are not kept. */
    public void forgetBefore(LocalDate day) {
        jdbc.sql("delete from run_daily where run_day < ?").param(day).update();
    }

    static String reasons(Map<String, Integer> counts) {
        String text = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
        return text.length() <= 1000 ? text : text.substring(0, text.lastIndexOf(',', 1000));
    }

    static Map<String, Integer> parse(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return counts;
        }
        for (String pair : text.split(",")) {
            int colon = pair.lastIndexOf(':');
            counts.put(pair.substring(0, colon), Integer.parseInt(pair.substring(colon + 1)));
        }
        return counts;
    }

}
