package cardwatch.monitor.run;

import cardwatch.monitor.site.RunDaily;
import cardwatch.monitor.system.CardwatchProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps years of evidence in little space ({@code cardwatch.retention.*}): rolls finished runs up per platform,
 * probe and hour into {@code run_hourly}, then deletes raw runs that ended before the raw window, in bounded
 * batches, on a thread of its own (no probe waits for it); a run whose refund is still awaited stays until it
 * settles. Storefront checks go sooner ({@code raw-checks}, {@code hourly-checks}): a check a minute is most of the
 * rows, and the pages and the score read checks from the daily roll-ups. {@code retention_state.pruned_before}
 * tells readers where raw runs may be missing (before it the score reads the hourly roll-ups), and
 * {@code checks_pruned_before} where raw storefront checks may be, and {@code check_hours_pruned_before} where
 * their hours may be (a start rebuilds the days of checks after it from those hours and the raw checks not yet rolled
 * up). The daily roll-ups, the ledger and incidents are never deleted. Instances of a cluster take turns: each hour is rolled up under a lock on the state
 * row.
 */
@Component
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    /** A run may be committed this long after it ended (a slow commit, another instance): its hour waits for it. */
    static final Duration GRACE = Duration.ofMinutes(10);
    /** Hours rolled up in one pass at most: a first pass over a long history catches up over several. */
    static final int HOURS_PER_PASS = 24 * 7;
    /** Delete statements in one pass at most. */
    static final int BATCHES_PER_PASS = 200;
    /** The probe whose raw runs and hours have windows of their own: storefront checks. */
    static final String CHECKS = cardwatch.probes.availability.AvailabilityProbe.KIND;

    /** Where the roll-ups stand. */
    public record State(Instant rolledUntil, Instant prunedBefore) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final CardwatchProperties.Retention settings;
    private final Map<String, Counter> pruned = new HashMap<>();
    private final boolean h2;

    public Retention(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock,
            CardwatchProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.clock = clock;
        this.settings = properties.retention();
        this.h2 = jdbc.sql("select 1").query((rs, i) -> rs.getStatement().getConnection().getMetaData()
                .getDatabaseProductName()).single().toLowerCase(java.util.Locale.ROOT).contains("h2");
        for (String table : List.of("probe_run", "run_hourly")) {
            pruned.put(table, Counter.builder("cardwatch.retention.pruned").tag("table", table)
                    .description("Rows deleted by retention (probe_run: runs older than the raw window, already "
                            + "rolled up; run_hourly: hours older than the hourly window)").register(registry));
        }
    }

    @Scheduled(fixedDelayString = "${cardwatch.retention.every:10m}", initialDelayString = "60s")
    public void scheduled() {
        try {
            pass(clock.instant());
        } catch (RuntimeException e) {
            log.warn("retention pass failed: {}", e.toString());
        }
    }

    /** One pass: roll up the hours that ended, then prune what the windows allow. Returns rows deleted. */
    public long pass(Instant now) {
        rollUp(now);
        return prune(now);
    }

    public State state() {
        return jdbc.sql("select rolled_until, pruned_before from retention_state where id = 1")
                .query((rs, i) -> new State(instant(rs.getObject(1, OffsetDateTime.class)),
                        instant(rs.getObject(2, OffsetDateTime.class)))).single();
    }

    /** Rolls up every hour that ended more than {@link #GRACE} ago and is not rolled up yet (a week at most). */
    public int rollUp(Instant now) {
        Instant until = now.minus(GRACE).truncatedTo(ChronoUnit.HOURS);
        int hours = 0;
        while (hours < HOURS_PER_PASS) {
            Boolean done = transactions.execute(status -> {
                State state = lockedState();
                Instant hour = state.rolledUntil() != null ? state.rolledUntil() : firstHour().orElse(until);
                if (!hour.isBefore(until)) {
                    return Boolean.TRUE;
                }
                rollUpHour(hour);
                jdbc.sql("update retention_state set rolled_until = ? where id = 1")
                        .param(utc(hour.plus(Duration.ofHours(1)))).update();
                return Boolean.FALSE;
            });
            if (Boolean.TRUE.equals(done)) {
                break;
            }
            hours++;
        }
        return hours;
    }

    /**
     * Deletes raw runs that ended before the raw window and before the rolled-up hours end, after moving
     * {@code pruned_before} there (so readers switch to the roll-ups first), and hourly roll-ups older than theirs.
     */
    public long prune(Instant now) {
        State state = state();
        if (state.rolledUntil() == null) {
            return 0;
        }
        Instant cutoff = now.minus(settings.rawRuns()).truncatedTo(ChronoUnit.HOURS);
        if (cutoff.isAfter(state.rolledUntil())) {
            cutoff = state.rolledUntil();
        }
        if (state.prunedBefore() == null || cutoff.isAfter(state.prunedBefore())) {
            jdbc.sql("update retention_state set pruned_before = ? where id = 1").param(utc(cutoff)).update();
        } else {
            cutoff = state.prunedBefore();
        }
        // a refund still awaited keeps its run: the balance check matches the money when it comes
        long deleted = deleteBatches("probe_run", limited("probe_run", "ended_at < ? and (refund_outcome is null "
                + "or refund_outcome <> 'pending')"), cutoff);
        // storefront checks go sooner: their own window, and never later than every probe's
        Instant checks = now.minus(settings.rawChecks()).truncatedTo(ChronoUnit.HOURS);
        if (checks.isAfter(state.rolledUntil())) {
            checks = state.rolledUntil();
        }
        Instant checksBefore = checksPrunedBefore();
        if (checksBefore == null || checks.isAfter(checksBefore)) {
            jdbc.sql("update retention_state set checks_pruned_before = ? where id = 1").param(utc(checks)).update();
        } else {
            checks = checksBefore;
        }
        deleted += deleteBatches("probe_run", limited("probe_run", "ended_at < ? and probe = '" + CHECKS + "'"),
                checks);
        Instant hourlyCutoff = now.minus(settings.hourly()).truncatedTo(ChronoUnit.HOURS);
        deleted += deleteBatches("run_hourly", limited("run_hourly", "hour_start < ?"), hourlyCutoff);
        // the checks' hours are in their days (run_daily), which are what the pages and the score read of them
        Instant hourlyChecks = now.minus(settings.hourlyChecks()).truncatedTo(ChronoUnit.HOURS);
        // readers learn first where the checks' hours may be missing (RunDaily rebuilds the days after it from them)
        jdbc.sql("update retention_state set check_hours_pruned_before = ? where id = 1 and "
                + "(check_hours_pruned_before is null or check_hours_pruned_before < ?)")
                .params(utc(hourlyChecks), utc(hourlyChecks)).update();
        deleted += deleteBatches("run_hourly", limited("run_hourly", "hour_start < ? and probe = '" + CHECKS + "'"),
                hourlyChecks);
        return deleted;
    }

    /**
     * A delete of at most {@code batch} rows: H2 takes a LIMIT on DELETE (and is slow on an IN over a limited
     * subquery: minutes at millions of rows); PostgreSQL has no such LIMIT and joins the subquery's ids.
     */
    private String limited(String table, String condition) {
        return h2 ? "delete from " + table + " where " + condition + " limit " + settings.batch()
                : "delete from " + table + " where ctid in (select ctid from " + table + " where " + condition
                        + " limit " + settings.batch() + ")";
    }

    private long deleteBatches(String table, String sql, Instant before) {
        long total = 0;
        for (int batch = 0; batch < BATCHES_PER_PASS; batch++) {
            int deleted = jdbc.sql(sql).param(utc(before)).update();
            total += deleted;
            pruned.get(table).increment(deleted);
            if (deleted < settings.batch()) {
                break;
            }
            try {
                Thread.sleep(20); // room for the probes' own writes between batches
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return total;
    }

    private Instant checksPrunedBefore() {
        return jdbc.sql("select checks_pruned_before from retention_state where id = 1")
                .query((rs, i) -> instant(rs.getObject(1, OffsetDateTime.class))).optional().orElse(null);
    }

    private State lockedState() {
        return jdbc.sql("select rolled_until, pruned_before from retention_state where id = 1 for update")
                .query((rs, i) -> new State(instant(rs.getObject(1, OffsetDateTime.class)),
                        instant(rs.getObject(2, OffsetDateTime.class)))).single();
    }

    private Optional<Instant> firstHour() {
        return jdbc.sql("select min(ended_at) from probe_run").query(OffsetDateTime.class).optional()
                .map(OffsetDateTime::toInstant).map(at -> at.truncatedTo(ChronoUnit.HOURS));
    }

    /** One hour's runs (by the time they ended), per platform and probe, written over what the hour held. */
    void rollUpHour(Instant hour) {
        Map<List<String>, Tally> tallies = new LinkedHashMap<>();
        jdbc.sql("select platform_id, probe, status, outcome, reason, flags, delivery_ms from probe_run "
                        + "where ended_at >= ? and ended_at < ?")
                .params(utc(hour), utc(hour.plus(Duration.ofHours(1))))
                .query(rs -> {
                    Tally tally = tallies.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new Tally());
                    String outcome = rs.getString(4);
                    String reason = rs.getString(5);
                    boolean done = "done".equals(rs.getString(3));
                    if ("maintenance".equals(reason)) {
                        tally.maintenance++;
                    } else if (done && "success".equals(outcome)) {
                        tally.successes++;
                        long delivery = rs.getLong(7);
                        if (!rs.wasNull()) {
                            tally.deliveries.add(delivery);
                        }
                    } else if (done && "failure".equals(outcome)) {
                        tally.failures++;
                        tally.reasons.merge(reason == null ? "unknown" : reason, 1, Integer::sum);
                        if (cardwatch.monitor.scoring.ScoreEvidence.lostMoney(reason, rs.getString(6))) {
                            tally.moneyLost++;
                        }
                    } else {
                        tally.errors++;
                    }
                });
        jdbc.sql("delete from run_hourly where hour_start = ?").param(utc(hour)).update();
        for (Map.Entry<List<String>, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            t.deliveries.sort(null);
            jdbc.sql("insert into run_hourly (platform_id, probe, hour_start, successes, failures, errors, maintenance, "
                            + "money_lost, delivery_p50_ms, delivery_p95_ms, reasons) "
                            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(e.getKey().get(0), e.getKey().get(1), utc(hour), t.successes, t.failures, t.errors,
                            t.maintenance, t.moneyLost, RunDaily.median(t.deliveries), RunDaily.p95(t.deliveries),
                            RunDaily.reasons(t.reasons))
                    .update();
        }
    }

    private static final class Tally {
        int successes;
        int failures;
        int errors;
        int maintenance;
        int moneyLost;
        final List<Long> deliveries = new ArrayList<>();
        final Map<String, Integer> reasons = new HashMap<>();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
