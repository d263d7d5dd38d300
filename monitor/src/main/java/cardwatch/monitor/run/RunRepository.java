package cardwatch.monitor.run;

import cardwatch.probes.Flag;
import cardwatch.probes.ProbeResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code probe_run} table. Plain SQL that H2 and PostgreSQL both run. */
@Repository
public class RunRepository {

    private static final String COLUMNS = "id, platform_id, probe, scheduled_fire, planned_start, actual_start, "
            + "ended_at, client_order_id, outcome, reason, flags, phases_ms, delivery_ms, platform_order_no, amount, "
            + "evidence, status, refund_outcome, refund_ms";

    /** The same columns of a table aliased {@code r}. */
    private static final String COLUMNS_OF_R = COLUMNS.replaceAll("(^|, )", "$1r.");

    private static final String INSERT_FINISHED = "insert into probe_run (platform_id, probe, scheduled_fire, "
            + "planned_start, actual_start, ended_at, client_order_id, outcome, reason, flags, phases_ms, delivery_ms, "
            + "platform_order_no, amount, evidence, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transaction;

    public RunRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.template = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** A run that ended, its row not written yet. */
    public record Finished(RunStart run, ProbeResult result, Instant endedAt) {
    }

    /** A run whose row {@link #insertFinished} did not write, and why. */
    public record NotWritten(Finished row, String why) {
    }

    /**
     * Writes ended runs that spent nothing and placed no order, all in one transaction: their rows are written once,
     * at the end, never begun and updated. A run whose platform, probe and fire time (or client order id) has a row
     * already is not written again.
     *
     * @return the runs not written: their row existed, or the database refused theirs
     */
    public List<NotWritten> insertFinished(List<Finished> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        try {
            transaction.executeWithoutResult(status -> template.batchUpdate(INSERT_FINISHED, rows, rows.size(),
                    (statement, row) -> {
                        Object[] values = finishedValues(row);
                        for (int i = 0; i < values.length; i++) {
                            statement.setObject(i + 1, values[i]);
                        }
                    }));
            return List.of();
        } catch (DataIntegrityViolationException e) {
            List<NotWritten> refused = new java.util.ArrayList<>();
            for (Finished row : rows) { // the batch was rolled back: one at a time, keeping all that can be kept
                try {
                    template.update(INSERT_FINISHED, finishedValues(row));
                } catch (DuplicateKeyException duplicate) {
                    refused.add(new NotWritten(row, "its run has a row already (another process ran it)"));
                } catch (DataIntegrityViolationException refusal) {
                    refused.add(new NotWritten(row, "the database refused it: "
                            + refusal.getMostSpecificCause().getMessage()));
                }
            }
            return refused;
        }
    }

    private static Object[] finishedValues(Finished row) {
        RunStart run = row.run();
        ProbeResult result = row.result();
        return new Object[] {run.platform(), run.probe(), utc(run.scheduledFire()), utc(run.plannedStart()),
                utc(run.actualStart()), utc(row.endedAt()), run.clientOrderId(), result.outcome().label(),
                result.reason().label(), flags(result), phases(result.phases()),
                result.delivery() == null ? null : result.delivery().toMillis(), result.platformOrderNo(),
                result.amountCharged(), result.evidence()};
    }

    /**
     * Writes the run's row before anything is sent. Empty when a row for the same platform, probe and fire
     * time (or the same client order id) exists already: that run belongs to someone else.
     */
    public Optional<RunStart> begin(String platform, String probe, Instant scheduledFire, Instant plannedStart,
            Instant actualStart, String clientOrderId) {
        KeyHolder keys = new GeneratedKeyHolder();
        try {
            jdbc.sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, "
                            + "client_order_id) values (?, ?, ?, ?, ?, ?)")
                    .params(platform, probe, utc(scheduledFire), utc(plannedStart), utc(actualStart), clientOrderId)
                    .update(keys, "id");
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
        long id = keys.getKeyAs(Number.class).longValue();
        return Optional.of(new RunStart(id, platform, probe, scheduledFire, plannedStart, actualStart, clientOrderId));
    }

    public void finish(RunStart run, ProbeResult result, Instant endedAt) {
        jdbc.sql("update probe_run set ended_at = ?, outcome = ?, reason = ?, flags = ?, phases_ms = ?, "
                        + "delivery_ms = ?, platform_order_no = ?, amount = ?, evidence = ?, status = 'done', "
                        + "run_state = null, next_action_at = null "
                        + "where id = ?")
                .params(utc(endedAt), result.outcome().label(), result.reason().label(), flags(result),
                        phases(result.phases()), result.delivery() == null ? null : result.delivery().toMillis(),
                        result.platformOrderNo(), result.amountCharged(), result.evidence(), run.id())
                .update();
    }

    public List<ProbeRun> recent(String platform, int limit) {
        return jdbc.sql("select " + COLUMNS + " from probe_run where platform_id = ? "
                        + "order by actual_start desc, id desc limit ?")
                .params(platform, limit).query(RunRepository::row).list();
    }

    /** A platform's recent runs of one probe kind, newest (by fire time) first. */
    public List<ProbeRun> recent(String platform, String probe, int limit) {
        return jdbc.sql("select " + COLUMNS + " from probe_run where platform_id = ? and probe = ? "
                        + "order by scheduled_fire desc, id desc limit ?")
                .params(platform, probe, limit).query(RunRepository::row).list();
    }

    /**
     * A platform's judged runs per probe and clock hour, from the hour {@code from} on: {successes, failures} by hour
     * start. Hours retention has rolled up are read from {@code run_hourly} (raw storefront checks are kept only
     * hours); the later ones are counted from the raw runs alike, each in the hour it ended, of at most {@code limit}
     * (the newest). Maintenance and runs that failed on our side count in neither.
     */
    public Map<String, Map<Instant, int[]>> hourly(String platform, Instant from, int limit) {
        Map<String, Map<Instant, int[]>> hours = new LinkedHashMap<>();
        // raw runs first, then where the roll-ups stand: a raw run of an hour rolled up meanwhile is in that hour
        record Judged(String probe, Instant hour, int judged) {
        }
        List<Judged> raw = jdbc.sql("select probe, ended_at, status, outcome, reason from probe_run "
                        + "where platform_id = ? and ended_at >= ? order by ended_at desc limit ?")
                .params(platform, utc(from), limit)
                .query((rs, n) -> new Judged(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()
                        .truncatedTo(ChronoUnit.HOURS), judged(rs.getString(3), rs.getString(4), rs.getString(5))))
                .list();
        Instant rolled = jdbc.sql("select rolled_until from retention_state where id = 1")
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class)).optional()
                .map(OffsetDateTime::toInstant).orElse(null);
        for (Judged run : raw) {
            if (run.judged() >= 0 && (rolled == null || !run.hour().isBefore(rolled))) {
                hours.computeIfAbsent(run.probe(), p -> new TreeMap<>())
                        .computeIfAbsent(run.hour(), h -> new int[2])[run.judged()]++;
            }
        }
        if (rolled != null && rolled.isAfter(from)) {
            jdbc.sql("select probe, hour_start, successes, failures from run_hourly where platform_id = ? "
                            + "and hour_start >= ? and hour_start < ?")
                    .params(platform, utc(from), utc(rolled))
                    .query(rs -> {
                        int[] counts = hours.computeIfAbsent(rs.getString(1), p -> new TreeMap<>())
                                .computeIfAbsent(rs.getObject(2, OffsetDateTime.class).toInstant(), h -> new int[2]);
                        counts[0] += rs.getInt(3);
                        counts[1] += rs.getInt(4);
                    });
        }
        return hours;
    }

    /** 0 for a success, 1 for a failure, -1 for neither: as {@code Retention} counts an hour's runs. */
    private static int judged(String status, String outcome, String reason) {
        if ("maintenance".equals(reason) || !"done".equals(status)) {
            return -1;
        }
        return "success".equals(outcome) ? 0 : "failure".equals(outcome) ? 1 : -1;
    }

    /** How long the platform's refunds took (milliseconds from the failed order to the money back), since a time. */
    public List<Long> refundTimes(String platform, Instant since) {
        return jdbc.sql("select refund_ms from probe_run where platform_id = ? and ended_at >= ? "
                        + "and refund_outcome = 'refunded' and refund_ms is not null order by refund_ms")
                .params(platform, utc(since)).query(Long.class).list();
    }

    /**
     * The newest finished run of each platform and probe kind. One grouped pass, then one row per platform by its
     * key: a subquery per row (as this was) took minutes on H2 with 720,000 runs (BENCHMARKS.md, the ranking page).
     */
    public Map<String, ProbeRun> lastFinished(String probe) {
        List<ProbeRun> runs = jdbc.sql("select " + COLUMNS_OF_R + " from probe_run r join "
                        + "(select max(id) as last_id from probe_run where probe = ? and ended_at is not null "
                        + "group by platform_id) m on r.id = m.last_id")
                .params(probe).query(RunRepository::row).list();
        return runs.stream().collect(Collectors.toMap(ProbeRun::platform, r -> r));
    }

    /** Successes and judged runs (success + failure; errors count in neither) per platform since a time. */
    public Map<String, Counts> counts(String probe, Instant since) {
        return jdbc.sql("select platform_id, sum(case when outcome = 'success' then 1 else 0 end) as successes, "
                        + "sum(case when outcome in ('success', 'failure') then 1 else 0 end) as judged "
                        + "from probe_run where probe = ? and actual_start >= ? and ended_at is not null "
                        + "group by platform_id")
                .params(probe, utc(since))
                .query((rs, n) -> Map.entry(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3)))).list()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Delivery times (ms) per platform since a time, ascending. */
    public Map<String, List<Long>> deliveries(Instant since) {
        return jdbc.sql("select platform_id, delivery_ms from probe_run where probe = 'purchase' and actual_start >= ? "
                        + "and delivery_ms is not null order by delivery_ms")
                .params(utc(since))
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    /**
     * Renews the lease of this instance's unfinished runs: they stay its own until {@code until}.
     *
     * @return how many rows were renewed
     */
    public int renew(List<Long> ids, String owner, Instant until) {
        int renewed = 0;
        for (int from = 0; from < ids.size(); from += 500) {
            renewed += jdbc.sql("update probe_run set owner = :owner, lease_until = :until "
                            + "where ended_at is null and (owner = :owner or owner is null) and id in (:ids)")
                    .param("owner", owner).param("until", utc(until))
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + 500))).update();
        }
        return renewed;
    }

    /** Of these runs, the unfinished ones another instance owns now: taken over while {@code owner} held them. */
    public List<Long> takenFrom(List<Long> ids, String owner) {
        List<Long> taken = new java.util.ArrayList<>();
        for (int from = 0; from < ids.size(); from += 500) {
            taken.addAll(jdbc.sql("select id from probe_run where ended_at is null and owner <> :owner "
                            + "and id in (:ids)").param("owner", owner)
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + 500))).query(Long.class).list());
        }
        return taken;
    }

    /**
     * Renews one run's lease if it is still {@code owner}'s (or nobody's yet): the check an instance makes before
     * each step, so that one that stalled past its lease does not act on a run another took over.
     */
    public boolean hold(long id, String owner, Instant until) {
        return jdbc.sql("update probe_run set owner = :owner, lease_until = :until where id = :id "
                        + "and ended_at is null and (owner = :owner or owner is null)")
                .param("owner", owner).param("until", utc(until)).param("id", id).update() == 1;
    }

    /**
     * Takes an unfinished run for {@code owner}, leased from {@code now} for {@code lease}. With {@code onlyExpired},
     * only when no other instance holds it: its lease ran out, or it has none and began more than one lease ago (a
     * run is leased from its start until its owner first renews it). One instance wins each run: the update is
     * conditional.
     */
    public boolean claim(long id, String owner, Instant now, Duration lease, boolean onlyExpired) {
        Instant until = now.plus(lease);
        return (onlyExpired
                ? jdbc.sql("update probe_run set owner = ?, lease_until = ? where id = ? and ended_at is null and "
                                + "((lease_until is null and actual_start < ?) or lease_until < ?)")
                        .params(owner, utc(until), id, utc(now.minus(lease)), utc(now))
                : jdbc.sql("update probe_run set owner = ?, lease_until = ? where id = ? and ended_at is null")
                        .params(owner, utc(until), id)).update() == 1;
    }

    /** Runs that started and never finished (a crash, a restart), oldest first. */
    public List<ProbeRun> unfinished(String probe) {
        return jdbc.sql("select " + COLUMNS + " from probe_run where probe = ? and ended_at is null "
                + "order by id").params(probe).query(RunRepository::row).list();
    }

    public ProbeRun get(long id) {
        return jdbc.sql("select " + COLUMNS + " from probe_run where id = ?").params(id).query(RunRepository::row)
                .single();
    }

    /** Keeps a waiting run's state and when it next acts: what any start continues the run from. */
    public void saveState(long id, String state, Instant nextAction) {
        jdbc.sql("update probe_run set run_state = ?, next_action_at = ? where id = ? and ended_at is null")
                .params(state, utc(nextAction), id).update();
    }

    /** A waiting run's state as {@link #saveState} kept it, and when it next acts. */
    public record SavedState(String state, Instant nextAction) {
    }

    /** A waiting run's saved state; empty when the run stopped before its first wait. */
    public Optional<SavedState> state(long id) {
        return jdbc.sql("select run_state, next_action_at from probe_run where id = ? and run_state is not null")
                .params(id).query((rs, n) -> new SavedState(rs.getString(1), instant(rs, "next_action_at")))
                .optional();
    }

    /** An interrupted run the platform could not be asked about: tried again later. */
    public void markUnknown(long id, String evidence) {
        jdbc.sql("update probe_run set status = 'unknown', evidence = ?, reconcile_attempts = reconcile_attempts + 1 "
                + "where id = ? and ended_at is null").params(evidence, id).update();
    }

    public void reserved(long id, BigDecimal amount) {
        jdbc.sql("update probe_run set budget_reserved = ? where id = ?").params(amount, id).update();
    }

    public BigDecimal reserved(long id) {
        return jdbc.sql("select coalesce(budget_reserved, 0) from probe_run where id = ?").params(id)
                .query(BigDecimal.class).single();
    }

    public void refundPending(long id, Instant deadline) {
        jdbc.sql("update probe_run set refund_outcome = 'pending', refund_deadline = ? where id = ?")
                .params(utc(deadline), id).update();
    }

    /** Sets a running run's refund outcome; its flags come with its result. */
    public void refundOutcome(long id, String outcome, Long refundMs) {
        jdbc.sql("update probe_run set refund_outcome = ?, refund_ms = ? where id = ?").params(outcome, refundMs, id)
                .update();
    }

    /** Ends a refund watch: refunded (with its latency) or not_refunded; the run's flag follows. */
    public void refundSettled(long id, String outcome, Long refundMs) {
        ProbeRun run = get(id);
        List<String> flags = new java.util.ArrayList<>(run.flags());
        flags.removeAll(List.of("refund_pending", "refunded", "not_refunded"));
        flags.add(outcome);
        java.util.Collections.sort(flags);
        jdbc.sql("update probe_run set refund_outcome = ?, refund_ms = ?, flags = ? where id = ?")
                .params(outcome, refundMs, String.join(",", flags), id).update();
    }

    /** Failed paid orders still waiting for their money: id, platform, when the run ended, the deadline. */
    public record AwaitingRefund(long id, String platform, Instant endedAt, Instant deadline) {
    }

    public List<AwaitingRefund> awaitingRefund() {
        return jdbc.sql("select id, platform_id, ended_at, refund_deadline from probe_run "
                        + "where refund_outcome = 'pending' order by id")
                .query((rs, n) -> new AwaitingRefund(rs.getLong(1), rs.getString(2), instant(rs, "ended_at"),
                        instant(rs, "refund_deadline"))).list();
    }

    /** How many rows there are. */
    public long count() {
        return jdbc.sql("select count(*) from probe_run").query(Long.class).single();
    }

    /** Judged runs and successes among them. */
    public record Counts(long successes, long judged) {
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String flags(ProbeResult result) {
        return result.flags().stream().map(Flag::label).sorted().collect(Collectors.joining(","));
    }

    private static String phases(Map<String, Duration> phases) {
        return phases.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().toMillis())
                .collect(Collectors.joining(","));
    }

    private static Map<String, Long> phases(String text) {
        Map<String, Long> phases = new LinkedHashMap<>();
        if (text != null && !text.isEmpty()) {
            for (String pair : text.split(",")) {
                int eq = pair.indexOf('=');
                phases.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        return phases;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static ProbeRun row(ResultSet rs, int n) throws SQLException {
        String flags = rs.getString("flags");
        long delivery = rs.getLong("delivery_ms");
        Long deliveryMs = rs.wasNull() ? null : delivery;
        return new ProbeRun(rs.getLong("id"), rs.getString("platform_id"), rs.getString("probe"),
                instant(rs, "scheduled_fire"), instant(rs, "planned_start"), instant(rs, "actual_start"),
                instant(rs, "ended_at"), rs.getString("client_order_id"), rs.getString("outcome"),
                rs.getString("reason"), flags == null || flags.isEmpty() ? List.of() : Arrays.asList(flags.split(",")),
                phases(rs.getString("phases_ms")), deliveryMs, rs.getString("platform_order_no"),
                rs.getBigDecimal("amount"), rs.getString("evidence"), rs.getString("status"),
                rs.getString("refund_outcome"), nullableLong(rs, "refund_ms"));
    }

}
