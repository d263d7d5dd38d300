package cardwatch.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.monitor.scoring.ScoreCalculator;
import cardwatch.monitor.scoring.ScoreEvidence;
import cardwatch.monitor.site.RunDaily;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Retention over 60 days of runs: the hours are rolled up, raw runs older than the raw window go, and what the
 * score and the daily figures say about the windows they cover is the same before and after, restart included.
 */
class RetentionTest {

    private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private final DriverManagerDataSource db = new DriverManagerDataSource(
            "jdbc:h2:mem:retention-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final JdbcClient jdbc;
    private final MutableClock clock = new MutableClock();
    private int fire;

    {
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
    }

    private static CardwatchProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("cardwatch",
                CardwatchProperties.class);
    }

    private Retention retention() {
        return retention(Map.of());
    }

    private Retention retention(Map<String, String> settings) {
        return new Retention(jdbc, new DataSourceTransactionManager(db), clock, properties(settings),
                new SimpleMeterRegistry());
    }

    private void run(String probe, String outcome, String reason, String flags, Instant ended, Long deliveryMs) {
        Instant fired = ended.minusSeconds(30).plusMillis(++fire);
        jdbc.sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                        + "outcome, reason, flags, delivery_ms, status) values ('p', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')")
                .params(probe, fired.atOffset(ZoneOffset.UTC), fired.atOffset(ZoneOffset.UTC),
                        ended.minusSeconds(20).atOffset(ZoneOffset.UTC), ended.atOffset(ZoneOffset.UTC), outcome, reason,
                        flags, deliveryMs)
                .update();
    }

    /** A purchase every 5 hours and a storefront check every hour, for 60 days, with every kind of ending. */
    private void history(Instant now) {
        for (int i = 1; i <= 60 * 24 / 5; i++) {
            Instant at = now.minus(Duration.ofHours(5L * i)).minusSeconds(i % 600);
            if (i % 29 == 0) {
                run("purchase", "failure", "duplicate_charge", "", at, null);
            } else if (i % 31 == 0) {
                run("purchase", "failure", "maintenance", "", at, null);
            } else if (i % 37 == 0) {
                run("purchase", "error", "network", "", at, null);
            } else if (i % 7 == 0) {
                run("purchase", "failure", "callback_lost", i % 2 == 0 ? "refunded" : "", at, null);
            } else {
                run("purchase", "success", "delivered", "", at, 1000L + 37L * (i % 50));
            }
        }
        for (int h = 1; h <= 60 * 24; h++) {
            run("availability", h % 11 == 0 ? "failure" : "success", h % 11 == 0 ? "http_5xx" : "up", "",
                    now.minus(Duration.ofHours(h)).plusSeconds(h % 900), null);
        }
        // a check that started yesterday (in Shanghai) and ended today: it counts on the day it ended, as its hour
        Instant midnight = LocalDate.ofInstant(now, CHINA).atStartOfDay(CHINA).toInstant();
        run("availability", "success", "up", "", midnight.plusSeconds(5), null);
    }

    /** {@link #history} written, and its days counted from {@code first} on as a start counts them. */
    private RunDaily historyCounted(Instant now, LocalDate first) {
        history(now);
        RunDaily daily = new RunDaily(db);
        daily.rebuild(first, CHINA, now);
        return daily;
    }

    /** Raw runs of a probe that ended in [from, to). */
    private long count(String probe, Instant from, Instant to) {
        return jdbc.sql("select count(*) from probe_run where probe = ? and ended_at >= ? and ended_at < ?")
                .params(probe, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)).query(Long.class).single();
    }

    private ScoreCalculator.Score score(Instant now) {
        return new ScoreCalculator(ScoreCalculator.Settings.defaults()).score(new ScoreEvidence(jdbc).read("p", now),
                now);
    }

    @Test
    void theScoreAndTheDailyFiguresAreTheSameAfterRawRunsGo() {
        Instant now = clock.instant();
        LocalDate first = LocalDate.ofInstant(now, CHINA).minusDays(89);
        RunDaily daily = historyCounted(now, first);
        List<RunDaily.Day> daysBefore = daily.since(first);
        List<RunDaily.Day> liveBefore = daily.live();
        ScoreCalculator.Score before = score(now);
        RunRepository repository = new RunRepository(db);
        Instant dayAgo = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(24));
        Map<String, Map<Instant, List<Integer>>> timelineBefore = timeline(repository.hourly("p", dayAgo, 20_000));
        assertThat(timelineBefore.get("availability")).as("a check an hour").hasSizeGreaterThanOrEqualTo(23);
        // a failed paid order of 50 days ago whose refund is still awaited
        jdbc.sql("update probe_run set refund_outcome = 'pending' where id = (select min(id) from probe_run "
                + "where probe = 'purchase' and reason = 'callback_lost' and ended_at < ?)")
                .param(now.minus(Duration.ofDays(49)).atOffset(ZoneOffset.UTC)).update();
        long runs = jdbc.sql("select count(*) from probe_run").query(Long.class).single();
        Instant cutoff = now.minus(Duration.ofDays(35)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        Instant checksCutoff = now.minus(Duration.ofHours(6)).truncatedTo(ChronoUnit.HOURS);
        long kept = count("purchase", cutoff, now.plusSeconds(1)) + count("availability", checksCutoff,
                now.plusSeconds(1));
        long checksInHours = count("availability", cutoff, checksCutoff);

        Retention retention = retention();
        int hours = 0;
        for (int rolled = retention.rollUp(now); rolled > 0; rolled = retention.rollUp(now)) {
            assertThat(rolled).as("a week at most a pass").isLessThanOrEqualTo(Retention.HOURS_PER_PASS);
            hours += rolled;
        }
        assertThat(hours).isBetween(60 * 24 - 2, 60 * 24 + 1);
        long deleted = retention.prune(now);
        assertThat(retention.state().prunedBefore()).isEqualTo(cutoff);
        assertThat(deleted).isGreaterThan(0).isGreaterThanOrEqualTo(runs - jdbc.sql("select count(*) from probe_run")
                .query(Long.class).single());
        assertThat(jdbc.sql("select refund_outcome from probe_run where ended_at < ?")
                .param(cutoff.atOffset(ZoneOffset.UTC)).query(String.class).list())
                .as("nothing older than the raw window but the run awaiting its refund").containsExactly("pending");
        assertThat(jdbc.sql("select count(*) from probe_run").query(Long.class).single())
                .as("the purchases of 35 days, the storefront checks of 6 hours, and the run awaiting its refund")
                .isEqualTo(kept + 1);
        assertThat(count("availability", now.minus(Duration.ofDays(400)), checksCutoff)).isZero();
        // every pruned storefront check of the last 35 days is in its hour; older hours of checks are in their days
        assertThat(jdbc.sql("select coalesce(sum(successes + failures + errors + maintenance), 0) from run_hourly "
                + "where probe = 'availability' and hour_start < ?").param(checksCutoff.atOffset(ZoneOffset.UTC))
                .query(Long.class).single()).isEqualTo(checksInHours);
        assertThat(jdbc.sql("select min(hour_start) from run_hourly where probe = 'availability'")
                .query(java.time.OffsetDateTime.class).single().toInstant()).isEqualTo(cutoff);
        assertThat(jdbc.sql("select min(hour_start) from run_hourly where probe = 'purchase'")
                .query(java.time.OffsetDateTime.class).single().toInstant()).isBefore(cutoff);
        // every pruned purchase is in its hour
        assertThat(jdbc.sql("select coalesce(sum(successes + failures + errors + maintenance), 0) from run_hourly "
                + "where probe = 'purchase' and hour_start < ?").param(cutoff.atOffset(ZoneOffset.UTC))
                .query(Long.class).single()).isEqualTo(60 * 24 / 5 - jdbc.sql("select count(*) from probe_run "
                        + "where probe = 'purchase' and ended_at >= ?").param(cutoff.atOffset(ZoneOffset.UTC))
                        .query(Long.class).single());

        ScoreCalculator.Score after = score(now);
        assertThat(after.components().get("reliability").inputs()).as("the same purchases, counted the same")
                .containsEntry("purchases", before.components().get("reliability").inputs().get("purchases"))
                .containsEntry("money_losing_failures",
                        before.components().get("reliability").inputs().get("money_losing_failures"));
        assertThat(after.score()).isCloseTo(before.score(), org.assertj.core.data.Offset.offset(0.05));
        assertThat(after.grade()).isEqualTo(before.grade());
        assertThat(after.components().get("delivery")).isEqualTo(before.components().get("delivery"));

        // the Now page's timeline reads the hours rolled up where the raw checks are gone: the same cells
        assertThat(timeline(repository.hourly("p", dayAgo, 20_000))).isEqualTo(timelineBefore);

        // a restart rebuilds the days from raw runs and the checks' hours: the same days, yesterday's and today's
        // checks among them, and the days retention thinned keep what they held
        RunDaily restarted = new RunDaily(db);
        restarted.rebuild(first, CHINA, now);
        assertThat(restarted.since(first)).containsExactlyInAnyOrderElementsOf(daysBefore);
        assertThat(restarted.live()).containsExactlyInAnyOrderElementsOf(liveBefore);
        // and counts on from there: one more check is one more today, not today's only one
        run("availability", "success", "up", "", now, null);
        restarted.update(CHINA, now);
        LocalDate today = LocalDate.ofInstant(now, CHINA);
        assertThat(restarted.live().stream().filter(d -> d.probe().equals("availability") && d.day().equals(today))
                .mapToInt(RunDaily.Day::successes).sum()).isEqualTo(liveBefore.stream()
                        .filter(d -> d.probe().equals("availability") && d.day().equals(today))
                        .mapToInt(RunDaily.Day::successes).sum() + 1);

        // a week on: more goes, the days stay, and another pass has nothing left to do
        clock.advance(Duration.ofDays(7));
        Instant later = clock.instant();
        assertThat(retention.pass(later)).isGreaterThan(0);
        assertThat(retention.pass(later)).isZero();
        RunDaily weekLater = new RunDaily(db);
        weekLater.rebuild(first, CHINA, later);
        assertThat(weekLater.since(first)).containsAll(daysBefore.stream()
                .filter(d -> d.day().isBefore(LocalDate.ofInstant(now, CHINA).minusDays(1))).toList());
    }

    /** {@link RunRepository#hourly}'s cells as lists, to compare by value. */
    static Map<String, Map<Instant, List<Integer>>> timeline(Map<String, Map<Instant, int[]>> hours) {
        Map<String, Map<Instant, List<Integer>>> lists = new java.util.TreeMap<>();
        hours.forEach((probe, lane) -> {
            Map<Instant, List<Integer>> cells = new java.util.TreeMap<>();
            lane.forEach((hour, counts) -> cells.put(hour, List.of(counts[0], counts[1])));
            lists.put(probe, cells);
        });
        return lists;
    }

    @Test
    void theDaysOfChecksWhoseHoursAreGoneKeepWhatTheyHeldAcrossARestart() {
        Instant now = clock.instant();
        LocalDate first = LocalDate.ofInstant(now, CHINA).minusDays(89);
        RunDaily daily = historyCounted(now, first);
        List<RunDaily.Day> daysBefore = daily.since(first);
        Retention retention = retention(Map.of("cardwatch.retention.hourly-checks", "10d"));
        while (retention.rollUp(now) > 0) {
            // a week of hours a pass
        }
        retention.prune(now);
        Instant hoursGone = now.minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.HOURS);
        assertThat(jdbc.sql("select min(hour_start) from run_hourly where probe = 'availability'")
                .query(java.time.OffsetDateTime.class).single().toInstant()).isEqualTo(hoursGone);
        // 25 days of checks are in neither raw runs nor hours, only in their days: a restart must not empty them
        RunDaily restarted = new RunDaily(db);
        restarted.rebuild(first, CHINA, now);
        assertThat(restarted.since(first)).containsExactlyInAnyOrderElementsOf(daysBefore);
    }

    @Test
    void hourlyRollUpsGoAfterTheirWindowAndTheDailyOnesNever() {
        Instant now = clock.instant();
        Instant old = now.minus(Duration.ofDays(401));
        run("purchase", "success", "delivered", "", old, 2000L);
        new RunDaily(db).rebuild(LocalDate.ofInstant(old, CHINA).minusDays(1), CHINA, now);
        Retention retention = retention();
        retention.rollUp(old.plus(Duration.ofHours(2)));
        assertThat(jdbc.sql("select count(*) from run_hourly").query(Long.class).single()).isEqualTo(1);
        retention.pass(now);
        assertThat(jdbc.sql("select count(*) from run_hourly where hour_start < ?")
                .param(now.minus(Duration.ofDays(400)).atOffset(ZoneOffset.UTC)).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from probe_run").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from run_daily").query(Long.class).single()).as("kept for good")
                .isEqualTo(1);
    }

    @Test
    void aRawWindowTooShortOrLongerThanTheHourlyOneStopsTheStart() {
        assertThatThrownBy(() -> properties(Map.of("cardwatch.retention.raw-runs", "1d")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("cardwatch.retention.raw-runs")
                .hasMessageContaining("at least 2 days");
        assertThatThrownBy(() -> properties(Map.of("cardwatch.retention.raw-runs", "90d",
                "cardwatch.retention.hourly", "30d")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("cardwatch.retention.hourly");
        assertThatThrownBy(() -> properties(Map.of("cardwatch.retention.raw-checks", "30m")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("cardwatch.retention.raw-checks")
                .hasMessageContaining("at least 1 hour");
        assertThat(properties(Map.of()).retention().rawChecks()).isEqualTo(Duration.ofHours(6));
        assertThatThrownBy(() -> properties(Map.of("cardwatch.retention.raw-checks", "40d")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("at most cardwatch.retention.raw-runs");
    }
}
