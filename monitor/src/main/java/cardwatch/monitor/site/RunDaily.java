package cardwatch.monitor.site;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Runs rolled up per platform, probe and day ({@code run_daily}): rebuilt from {@code probe_run} once, then kept
 * current from the rows written since, in the background. A day is a calendar day in the schedule's time zone
 * (Asia/Shanghai).
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

        void add(Tally other) {
            successes += other.successes;
            failures += other.failures;
            errors += other.errors;
            maintenance += other.maintenance;
            delivery.addAll(other.delivery);
            other.reasons.forEach((reason, n) -> reasons.merge(reason, n, Integer::sum));
            other.flags.forEach((flag, n) -> flags.merge(flag, n, Integer::sum));
        }
    }

    /** The probe whose raw runs retention keeps hours, not days: storefront checks. */
    static final String CHECKS = cardwatch.probes.availability.AvailabilityProbe.KIND;

    /**
     * Where retention stands: raw runs other than checks may be gone before {@code pruned}, hours up to
     * {@code rolled} are rolled up, and the checks' hours may be gone before {@code checkHoursPruned}.
     */
    private record Marks(Instant pruned, Instant rolled, Instant checkHoursPruned) {
    }

    private Marks marks() {
        return jdbc.sql("select pruned_before, rolled_until, check_hours_pruned_before from retention_state where id = 1")
                .query((rs, i) -> new Marks(instant(rs.getObject(1, OffsetDateTime.class)),
                        instant(rs.getObject(2, OffsetDateTime.class)), instant(rs.getObject(3, OffsetDateTime.class))))
                .optional().orElse(new Marks(null, null, null));
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    /** The flags the pages count, per day. */
    static final List<String> COUNTED_FLAGS = List.of("notify_missing", "notify_conflict");

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    private final java.time.Duration writeEvery;

    public RunDaily(DataSource dataSource) {
        this(dataSource, WRITE_EVERY);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public RunDaily(DataSource dataSource, cardwatch.monitor.system.CardwatchProperties properties) {
        this(dataSource, properties.site().writeEvery());
    }

    /** @param writeEvery how often {@link #update} writes the live days to {@code run_daily}: zero writes every time */
    public RunDaily(DataSource dataSource, java.time.Duration writeEvery) {
        if (writeEvery.isNegative()) {
            throw new IllegalArgumentException("cardwatch.site.write-every must not be negative: " + writeEvery);
        }
        this.batch = new JdbcTemplate(dataSource);
        this.jdbc = JdbcClient.create(batch);
        this.writeEvery = writeEvery;
    }

    /**
     * Rows re-read behind the newest id counted: ids are handed out when a transaction inserts, not when it commits,
     * so a batch of rows may become visible after rows with higher ids. Re-reading this many ids back (a minute and
     * more of runs at 20,000 platforms) and skipping those counted already keeps every row counted once.
     */
    static final long OVERLAP = 50_000;

    /**
     * How often {@link #update} writes yesterday's and today's figures to {@code run_daily} by default
     * ({@code cardwatch.site.write-every}). Nearly every platform's
     * today changes every refresh, and the pages read them from memory; the table is for the score's week of
     * storefront checks (recomputed every 5 minutes) and the days before yesterday. A day leaving the live two is
     * written at once; a restart rebuilds them all from the runs.
     */
    static final java.time.Duration WRITE_EVERY = java.time.Duration.ofMinutes(5);

    /** The run columns {@link #count} reads, by position; a condition follows. */
    private static final String ROWS = "select id, platform_id, probe, actual_start, outcome, reason, delivery_ms, "
            + "flags, ended_at from probe_run where ";

    /** The newest id read; negative until the first {@link #rebuild}. */
    private long watermark = -1;
    /** Rows read while unfinished (purchases in flight): read again until they end. */
    private final Set<Long> open = new HashSet<>();
    /** Rows counted whose id is within {@link #OVERLAP} of the watermark: not counted again when re-read. */
    private final Set<Long> counted = new HashSet<>();
    /** Tallies of yesterday and today (the days runs still arrive for), kept up to date by {@link #update}. */
    private final Map<List<Object>, Tally> live = new HashMap<>();
    /** What {@code run_daily} holds for each live day, as last written. */
    private final Map<List<Object>, Day> written = new HashMap<>();
    /** Each live day's figures as last counted: what the pages show, ahead of the table by up to {@link #WRITE_EVERY}. */
    private final Map<List<Object>, Day> current = new HashMap<>();
    /** Live days counted into since their figures were last worked out. */
    private final Set<List<Object>> changed = new HashSet<>();
    /** When {@link #update} next writes the live days to the table. */
    private Instant nextWrite = Instant.MIN;
    /** Each platform's judged purchases of the last 24 hours: start millis shifted left, success in the low bit. */
    private final Map<String, java.util.ArrayDeque<Long>> purchases = new HashMap<>();

    /**
     * Rebuilds every day from {@code from} on out of the finished runs that started on it (storefront checks: that
     * ended on it), and counts the last 24
     * hours' purchases as of {@code now}. Storefront checks of hours retention has rolled up are counted from those
     * hours (a check is in the hour it ended, and counts on that hour's day); days whose raw runs or hours retention may
     * have deleted keep what they hold. Rows are read as a stream: a 90-day rebuild holds tallies, not runs.
     * Only days whose figures changed are written. After it, {@link #update} keeps yesterday and today current from
     * the rows written since, without reading the others again.
     */
    @Transactional
    public synchronized Recent rebuild(LocalDate from, ZoneId zone, Instant now) {
        // days whose raw runs retention may have deleted in part keep what they hold (cardwatch.retention)
        Marks marks = marks();
        if (marks.pruned() != null && LocalDate.ofInstant(marks.pruned(), zone).plusDays(1).isAfter(from)) {
            from = LocalDate.ofInstant(marks.pruned(), zone).plusDays(1);
        }
        // storefront checks: raw ones are kept hours, their hours weeks; the days whose hours are all there are
        // rebuilt from those hours and the raw checks not rolled up yet, the days before them keep what they hold
        LocalDate firstCheckDay = marks.checkHoursPruned() != null
                && LocalDate.ofInstant(marks.checkHoursPruned(), zone).plusDays(1).isAfter(from)
                ? LocalDate.ofInstant(marks.checkHoursPruned(), zone).plusDays(1) : from;
        Map<List<Object>, Tally> tallies = new HashMap<>();
        live.clear();
        written.clear();
        current.clear();
        changed.clear();
        open.clear();
        counted.clear();
        purchases.clear();
        long before = jdbc.sql("select coalesce(max(id), 0) from probe_run").query(Long.class).single();
        long[] newest = {before};
        LocalDate yesterday = LocalDate.ofInstant(now, zone).minusDays(1);
        // raw checks by the hour they ended in: those of hours rolled up by the time the hours are read are counted
        // from the hours instead (the roll-up may pass more hours, and retention prune their checks, meanwhile)
        Map<Instant, Map<List<Object>, Tally>> checksByHour = new HashMap<>();
        jdbc.sql(ROWS + "actual_start >= ?")
                .param(from.atStartOfDay(zone).toOffsetDateTime())
                .query(rs -> {
                    long id = rs.getLong(1);
                    newest[0] = Math.max(newest[0], id);
                    if (rs.getObject(9) == null || rs.getString(5) == null) {
                        open.add(id);
                        return;
                    }
                    if (id > before - OVERLAP) {
                        counted.add(id);
                    }
                    if (!CHECKS.equals(rs.getString(3))) {
                        count(rs, tallies, zone, now);
                    } else if (!day(rs, zone).isBefore(firstCheckDay)) {
                        Instant ended = rs.getObject(9, OffsetDateTime.class).toInstant();
                        count(rs, checksByHour.computeIfAbsent(ended.truncatedTo(ChronoUnit.HOURS),
                                h -> new HashMap<>()), zone, now);
                    }
                });
        Instant rolled = marks().rolled();
        checksByHour.forEach((hour, hourTallies) -> {
            if (rolled == null || !hour.isBefore(rolled)) {
                hourTallies.forEach((key, tally) -> tallies.computeIfAbsent(key, k -> new Tally()).add(tally));
            }
        });
        if (rolled != null) {
            jdbc.sql("select platform_id, hour_start, successes, failures, errors, maintenance, reasons from run_hourly "
                            + "where probe = ? and hour_start >= ? and hour_start < ?")
                    .params(CHECKS, firstCheckDay.atStartOfDay(zone).toOffsetDateTime(), rolled.atOffset(ZoneOffset.UTC))
                    .query(rs -> {
                        Tally hour = new Tally();
                        hour.successes = rs.getInt(3);
                        hour.failures = rs.getInt(4);
                        hour.errors = rs.getInt(5);
                        hour.maintenance = rs.getInt(6);
                        hour.reasons.putAll(parse(rs.getString(7)));
                        LocalDate day = LocalDate.ofInstant(rs.getObject(2, OffsetDateTime.class).toInstant(), zone);
                        tallies.computeIfAbsent(List.of(rs.getString(1), CHECKS, day), k -> new Tally()).add(hour);
                    });
        }
        watermark = newest[0];
        tallies.forEach((key, tally) -> {
            if (!((LocalDate) key.get(2)).isBefore(yesterday)) {
                live.put(key, tally);
            }
        });
        Map<List<Object>, Day> stored = new HashMap<>();
        since(from).stream().filter(day -> !CHECKS.equals(day.probe()) || !day.day().isBefore(firstCheckDay))
                .forEach(day -> stored.put(List.of(day.platform(), day.probe(), day.day()), day));
        Writes writes = new Writes();
        for (Map.Entry<List<Object>, Tally> e : tallies.entrySet()) {
            Day day = day(e.getKey(), e.getValue());
            Day previous = stored.remove(e.getKey());
            writes.add(day, previous);
            if (live.containsKey(e.getKey())) {
                written.put(e.getKey(), day);
                current.put(e.getKey(), day);
            }
        }
        writes.deleted.addAll(stored.values());
        writes.flush();
        nextWrite = now.plus(writeEvery);
        return recent(now);
    }

    /**
     * Counts the rows written or finished since the last call (or {@link #rebuild}) into yesterday's and today's
     * figures, and writes those that changed every {@link #WRITE_EVERY} (a day leaving the two at once); a run that
     * ended today but started before yesterday is left to the next start's rebuild. Reads only those rows: the cost follows the runs of the last refresh, not the table.
     */
    @Transactional
    public synchronized Recent update(ZoneId zone, Instant now) {
        if (watermark < 0) {
            throw new IllegalStateException("update before the first rebuild");
        }
        long low = watermark - OVERLAP;
        long[] newest = {watermark};
        LocalDate yesterday = LocalDate.ofInstant(now, zone).minusDays(1);
        org.springframework.jdbc.core.RowCallbackHandler row = rs -> {
            long id = rs.getLong(1);
            newest[0] = Math.max(newest[0], id);
            if (rs.getObject(9) == null || rs.getString(5) == null) {
                open.add(id);
                return;
            }
            open.remove(id);
            if (!counted.add(id)) {
                return;
            }
            if (!day(rs, zone).isBefore(yesterday)) {
                changed.add(count(rs, live, zone, now));
            }
        };
        // rows behind the watermark: their ids alone, then whole rows only for those not yet counted (they became
        // visible late) and those still open; the rows past it in full
        List<Long> again = new ArrayList<>();
        jdbc.sql("select id from probe_run where id > ? and id <= ?").params(low, watermark)
                .query(rs -> {
                    long id = rs.getLong(1);
                    if (!counted.contains(id) && !open.contains(id)) {
                        again.add(id);
                    }
                });
        open.forEach(again::add);
        jdbc.sql(ROWS + "id > ?").param(watermark).query(row);
        for (int i = 0; i < again.size(); i += 500) {
            List<Long> chunk = again.subList(i, Math.min(again.size(), i + 500));
            jdbc.sql(ROWS + "id in (" + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")")
                    .params(chunk.toArray()).query(row);
        }
        watermark = newest[0];
        counted.removeIf(id -> id <= watermark - OVERLAP);
        for (List<Object> key : changed) {
            current.put(key, day(key, live.get(key)));
        }
        changed.clear();
        boolean due = !now.isBefore(nextWrite);
        Writes writes = new Writes();
        for (Map.Entry<List<Object>, Day> e : current.entrySet()) {
            if (!due && !((LocalDate) e.getKey().get(2)).isBefore(yesterday)) {
                continue;
            }
            Day previous = written.get(e.getKey());
            if (previous == null) {
                previous = stored(e.getKey());
            }
            writes.add(e.getValue(), previous);
            written.put(e.getKey(), e.getValue());
        }
        writes.flush();
        if (due) {
            nextWrite = now.plus(writeEvery);
        }
        live.keySet().removeIf(key -> ((LocalDate) key.get(2)).isBefore(yesterday));
        written.keySet().removeIf(key -> ((LocalDate) key.get(2)).isBefore(yesterday));
        current.keySet().removeIf(key -> ((LocalDate) key.get(2)).isBefore(yesterday));
        return recent(now);
    }

    /**
     * Yesterday's and today's figures as {@link #update} last counted them; {@code run_daily} has them as of its last
     * write (at most {@link #WRITE_EVERY} before).
     */
    public synchronized List<Day> live() {
        return new ArrayList<>(current.values());
    }

    /**
     * The day a finished run (the columns of {@link #rebuild}'s query) counts in: the day it started, or for a
     * storefront check the day it ended, as its hour is rolled up (a start reads the checks of rolled-up hours from
     * those hours).
     */
    private static LocalDate day(java.sql.ResultSet rs, ZoneId zone) throws java.sql.SQLException {
        return LocalDate.ofInstant(rs.getObject(CHECKS.equals(rs.getString(3)) ? 9 : 4, OffsetDateTime.class)
                .toInstant(), zone);
    }

    /** Adds one finished run (the columns of {@link #rebuild}'s query) to its day's tally, and to the last 24 h. */
    private List<Object> count(java.sql.ResultSet rs, Map<List<Object>, Tally> tallies, ZoneId zone, Instant now)
            throws java.sql.SQLException {
        String platform = rs.getString(2);
        String probe = rs.getString(3);
        Instant started = rs.getObject(4, OffsetDateTime.class).toInstant();
        String outcome = rs.getString(5);
        String reason = rs.getString(6);
        long delivery = rs.getLong(7);
        boolean hasDelivery = !rs.wasNull();
        String flags = rs.getString(8);
        List<Object> key = List.of(platform, probe, day(rs, zone));
        Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
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
        if ("purchase".equals(probe) && !started.isBefore(now.minusSeconds(86_400)) && !"maintenance".equals(reason)
                && !"error".equals(outcome)) {
            purchases.computeIfAbsent(platform, p -> new java.util.ArrayDeque<>())
                    .add(started.toEpochMilli() << 1 | (success ? 1 : 0));
        }
        return key;
    }

    /** The last 24 hours' judged purchases per platform; older ones are dropped. */
    private Recent recent(Instant now) {
        long dayAgo = now.minusSeconds(86_400).toEpochMilli();
        Map<String, int[]> counts = new HashMap<>();
        purchases.values().forEach(list -> list.removeIf(packed -> (packed >> 1) < dayAgo));
        purchases.values().removeIf(java.util.ArrayDeque::isEmpty);
        purchases.forEach((platform, list) -> {
            int[] c = new int[2];
            list.forEach(packed -> {
                c[0] += (int) (packed & 1);
                c[1]++;
            });
            counts.put(platform, c);
        });
        return new Recent(counts);
    }

    /** The lower median of sorted values, or null without any. */
    public static Long median(List<Long> sorted) {
        return sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
    }

    /** The nearest-rank 95th percentile of sorted values, or null without any. */
    public static Long p95(List<Long> sorted) {
        return sorted.isEmpty() ? null : sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
    }

    private static Day day(List<Object> key, Tally t) {
        List<Long> sorted = t.delivery.stream().sorted().toList();
        Long p50 = median(sorted);
        Long p95 = p95(sorted);
        return new Day((String) key.get(0), (String) key.get(1), (LocalDate) key.get(2), t.successes, t.failures,
                t.errors, t.maintenance, p50, p95, parse(reasons(t.reasons)), parse(reasons(t.flags)));
    }

    /**
     * The days a refresh changes, written in three batches: at 20,000 platforms every refresh changes today's row of
     * nearly each one, and a statement apiece cost more than the counting.
     */
    private final class Writes {
        final List<Day> inserted = new ArrayList<>();
        final List<Day> updated = new ArrayList<>();
        final List<Day> deleted = new ArrayList<>();

        /** A day to write unless {@code before} (what the table holds) equals it: most days, every refresh. */
        void add(Day day, Day before) {
            if (!day.equals(before)) {
                (before == null ? inserted : updated).add(day);
            }
        }

        void flush() {
            batch.batchUpdate("delete from run_daily where platform_id = ? and probe = ? and run_day = ?",
                    deleted.stream().map(d -> new Object[] {d.platform(), d.probe(), d.day()}).toList());
            batch.batchUpdate("update run_daily set successes = ?, failures = ?, errors = ?, maintenance = ?, "
                    + "delivery_p50_ms = ?, delivery_p95_ms = ?, reasons = ?, flags = ? "
                    + "where platform_id = ? and probe = ? and run_day = ?",
                    updated.stream().map(d -> new Object[] {d.successes(), d.failures(), d.errors(), d.maintenance(),
                            d.deliveryP50Ms(), d.deliveryP95Ms(), reasons(d.reasons()), reasons(d.flags()),
                            d.platform(), d.probe(), d.day()}).toList());
            batch.batchUpdate("insert into run_daily (platform_id, probe, run_day, successes, failures, errors, "
                    + "maintenance, delivery_p50_ms, delivery_p95_ms, reasons, flags) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    inserted.stream().map(d -> new Object[] {d.platform(), d.probe(), d.day(), d.successes(),
                            d.failures(), d.errors(), d.maintenance(), d.deliveryP50Ms(), d.deliveryP95Ms(),
                            reasons(d.reasons()), reasons(d.flags())}).toList());
        }
    }

    private Day stored(List<Object> key) {
        return jdbc.sql("select platform_id, probe, run_day, successes, failures, errors, maintenance, delivery_p50_ms, "
                + "delivery_p95_ms, reasons, flags from run_daily where platform_id = ? and probe = ? and run_day = ?")
                .params(key.get(0), key.get(1), key.get(2)).query(RunDaily::day).optional().orElse(null);
    }

    private static Day day(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Day(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class), rs.getInt(4), rs.getInt(5),
                rs.getInt(6), rs.getInt(7), (Long) rs.getObject(8, Long.class), (Long) rs.getObject(9, Long.class),
                parse(rs.getString(10)), parse(rs.getString(11)));
    }

    /** Every platform's days from {@code from} on, oldest first. */
    public List<Day> since(LocalDate from) {
        return jdbc.sql("select platform_id, probe, run_day, successes, failures, errors, maintenance, delivery_p50_ms, "
                + "delivery_p95_ms, reasons, flags from run_daily where run_day >= ? order by run_day")
                .param(from).query(RunDaily::day).list();
    }


    /** "reason:count,...", most frequent first, within the column's 1,000 characters. */
    public static String reasons(Map<String, Integer> counts) {
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
