package cardwatch.monitor.incident;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.hooks.RecordingChannel;
import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.hooks.HookOutbox;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.network.Connectivity;
import cardwatch.monitor.network.FirstContact;
import cardwatch.monitor.network.Reachability;
import cardwatch.monitor.network.SelfCheck;
import cardwatch.monitor.platform.MaintenanceWindow;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.scoring.ScoreCalculator;
import cardwatch.monitor.scoring.ScoreEvidence;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The incident rules against simulated histories whose truth is known, at the default settings: independent failures
 * at a platform's usual rate, hard and partial outages starting at a random moment, a day of half the runs failing, and
 * nightly maintenance. Each case runs at least 1,000 seeds in simulated time on the schedules' default jitter, drives
 * the real {@link IncidentTracker} (and, where notices are counted, the real {@link IncidentService} with its
 * incident table and alert outbox), prints its figures (kept in BENCHMARKS.md) and fails when a target is missed.
 *
 * <p>Purchases fail per run; a storefront check is a request that, when it fails, is tried again at once, each request
 * failing independently at the rate given (the probe's own rule, {@code AvailabilityProbe}).
 */
class IncidentSimulationTest {

    /** The least number of seeds a case runs; cheap cases at the edge of their target run more. */
    static final int SEEDS = 1000;
    private static final Instant T0 = Instant.parse("2026-01-05T16:00:00Z");
    private static final CardwatchProperties DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("cardwatch", CardwatchProperties.class);
    private static final IncidentTracker.Settings SETTINGS = IncidentTracker.Settings.from(DEFAULTS.incidents());
    private static final List<String> TABLE = Collections.synchronizedList(new ArrayList<>());

    /** A probe kind at one interval, with the jitter its schedule gets by default. */
    record Cadence(String name, String probe, Duration every, Duration jitter, double usual, int seeds) {

        int runs(Duration span) {
            return (int) (span.toMillis() / every.toMillis());
        }

        /** The k-th run's start: its fire time plus a random share of the jitter. */
        Instant at(int k, SplittableRandom random) {
            return Instant.ofEpochMilli(T0.toEpochMilli() + k * every.toMillis() + random.nextLong(jitter.toMillis()));
        }

        /** One run of a platform whose requests fail independently at {@code failing}. */
        IncidentTracker.Observation run(double failing, SplittableRandom random) {
            boolean first = random.nextDouble() < failing;
            if ("purchase".equals(probe)) {
                return first ? IncidentTracker.Observation.FAILURE : IncidentTracker.Observation.SUCCESS;
            }
            if (!first) {
                return IncidentTracker.Observation.SUCCESS;
            }
            return random.nextDouble() < failing ? IncidentTracker.Observation.FAILED_TWICE
                    : IncidentTracker.Observation.RETRIED;
        }

        /** The same run as the probe reports it. */
        ProbeResult result(IncidentTracker.Observation run) {
            boolean failed = run.failed() == run.attempts();
            Reason reason = failed ? ("purchase".equals(probe) ? Reason.STUCK_PROCESSING : Reason.HTTP_ERROR)
                    : Reason.NONE;
            return new ProbeResult(reason.outcome(), reason, run.attempts() > 1 ? java.util.Set.of(Flag.RETRIED)
                    : java.util.Set.of(), Map.of(), null, null, null, "");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Purchases run more seeds: at 20 minutes their false-incident and partial-outage targets sit at the edge of what
     * the runs can tell (with the usual rate known exactly, a CUSUM, the quickest detector for its false-alarm rate,
     * gets 1.0 % and 19 runs), so their figures must be precise (±0.05 % and ±0.1 % within 20 runs), not lucky.
     */
    static final Cadence PURCHASE_20M = new Cadence("purchases every 20 min", "purchase", Duration.ofMinutes(20),
            Duration.ofMinutes(2), 0.03, 40_000);
    static final Cadence PURCHASE_5M = new Cadence("purchases every 5 min", "purchase", Duration.ofMinutes(5),
            Duration.ofMinutes(2), 0.03, 4_000);
    static final Cadence CHECK_60S = new Cadence("storefront checks every 60 s", "availability",
            Duration.ofSeconds(60), Duration.ofSeconds(10), 0.01, SEEDS);
    static final Cadence CHECK_30S = new Cadence("storefront checks every 30 s", "availability",
            Duration.ofSeconds(30), Duration.ofSeconds(5), 0.01, SEEDS);

    static Stream<Cadence> cadences() {
        return Stream.of(PURCHASE_20M, PURCHASE_5M, CHECK_60S, CHECK_30S);
    }

    private static DriverManagerDataSource db;

    @BeforeAll
    static void database() {
        db = new DriverManagerDataSource("jdbc:h2:mem:incident-simulation;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
    }

    @AfterAll
    static void printTable() throws IOException {
        List<String> rows = new ArrayList<>(TABLE);
        Collections.sort(rows);
        StringBuilder text = new StringBuilder("| case | schedule | seeds | measured | target |\n"
                + "| --- | --- | --- | --- | --- |\n");
        rows.forEach(row -> text.append(row.substring(row.indexOf('|'))).append('\n'));
        System.out.println(text);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "incident-simulation.md"), text);
    }

    private static void row(int order, String kase, Cadence cadence, int seeds, String measured, String target) {
        TABLE.add(String.format("%02d%02d| %s | %s | %,d | %s | %s |", order, cadences().toList().indexOf(cadence),
                kase, cadence, seeds, measured, target));
    }

    private static IncidentTracker tracker(Cadence cadence) {
        IncidentTracker tracker = new IncidentTracker(SETTINGS);
        tracker.interval("p", cadence.probe(), cadence.every());
        return tracker;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cadences")
    void independentFailuresAtTheUsualRateRarelyOpenAnIncidentIn30Days(Cadence cadence) {
        int runs = cadence.runs(Duration.ofDays(30));
        long opened = IntStream.range(0, cadence.seeds()).parallel().filter(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            IncidentTracker tracker = tracker(cadence);
            for (int k = 0; k < runs; k++) {
                if (tracker.observe("p", cadence.probe(), cadence.run(cadence.usual(), random),
                        cadence.at(k, random)) == IncidentTracker.Transition.OPENED) {
                    return true;
                }
            }
            return false;
        }).count();
        double share = (double) opened / cadence.seeds();
        row(1, String.format("%.0f %% independent failures, 30 days", cadence.usual() * 100), cadence, cadence.seeds(),
                String.format("%.2f %% of stretches open an incident", share * 100), "≤ 1 %");
        assertThat(share).as(cadence + ": share of 30-day stretches with an incident").isLessThanOrEqualTo(0.01);
    }

    /**
     * Runs from the start of an outage until an incident opens: the outage starts at a random moment of a 30-day
     * stretch at the usual rate (so the platform's record is its own), with no incident open or held.
     */
    private static int[] runsToOpen(Cadence cadence, double failing, long salt) {
        return IntStream.range(0, cadence.seeds()).parallel().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed * 7919L + salt);
            IncidentTracker tracker = tracker(cadence);
            int k = 0;
            int before = 1 + random.nextInt(cadence.runs(Duration.ofDays(30)));
            while (k < before || !tracker.settled("p", cadence.probe())) {
                tracker.observe("p", cadence.probe(), cadence.run(cadence.usual(), random), cadence.at(k++, random));
            }
            for (int n = 1; n <= 500; n++) {
                if (tracker.observe("p", cadence.probe(), cadence.run(failing, random), cadence.at(k++, random))
                        == IncidentTracker.Transition.OPENED) {
                    return n;
                }
            }
            return Integer.MAX_VALUE;
        }).sorted().toArray();
    }

    private static int p95(int[] sorted) {
        return sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cadences")
    void aHardOutageOpensAnIncidentWithinItsFirstRuns(Cadence cadence) {
        int[] runs = runsToOpen(cadence, 1.0, 1);
        int target = "purchase".equals(cadence.probe()) ? 4 : 3;
        row(2, "hard outage (every run fails) from a random moment", cadence, runs.length,
                "open by run " + p95(runs) + " (p95), " + runs[runs.length / 2] + " (median)",
                "by run " + target + ", p95");
        assertThat(p95(runs)).as(cadence + ": runs until an incident opens, p95").isLessThanOrEqualTo(target);
    }

    /**
     * A 50 % outage within 20 runs at the default intervals. At 5-minute purchases the 1 % false-incident budget over
     * four times as many runs leaves less: no rule can do both there (with the usual rate known exactly, a CUSUM that
     * keeps to 1 % needs 22 to 24 runs, p95, about 2 hours), so that row asserts what the budget allows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cadences")
    void aPartialOutageOpensAnIncidentWithinTwentyRuns(Cadence cadence) {
        int[] runs = runsToOpen(cadence, 0.5, 2);
        int target = cadence == PURCHASE_5M ? 26 : 20;
        row(3, "50 % partial outage from a random moment", cadence, runs.length,
                String.format("open by run %d (p95), %d (median); %.1f %% within 20 runs", p95(runs),
                        runs[runs.length / 2], 100.0 * Arrays.stream(runs).filter(n -> n <= 20).count() / runs.length),
                "within " + target + " runs, p95" + (target == 20 ? "" : " (20 at the default 20 min)"));
        assertThat(p95(runs)).as(cadence + ": runs until an incident opens, p95").isLessThanOrEqualTo(target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cadences")
    void aDayOfHalfFailuresSendsAtMostThreeNoticesThroughTheNoticePath(Cadence cadence) {
        String prefix = "day-" + cadence.probe().charAt(0) + cadence.every().toSeconds() + "-";
        Schedule schedule = new Schedule(cadence.every(), null, cadence.jitter());
        List<Platform> platforms = IntStream.range(0, SEEDS).mapToObj(seed -> new Platform(prefix + seed,
                prefix + seed, prefix + seed, URI.create("http://127.0.0.1:1/" + seed), "yrapi", "1", Map.of(), null,
                Map.of(cadence.probe(), schedule), java.math.BigDecimal.TEN)).toList();
        IncidentService service = service(platforms);
        Map<String, Instant> starts = new java.util.HashMap<>();
        int[] resolvedAfter = new int[SEEDS];
        for (int seed = 0; seed < SEEDS; seed++) {
            String platform = prefix + seed;
            SplittableRandom random = new SplittableRandom(seed * 31L + 5);
            int k = 0;
            int warmUp = cadence.runs(Duration.ofDays(1));
            while (k < warmUp || !service.settled(platform, cadence.probe())) {
                record(service, cadence, platform, cadence.usual(), random, k++);
            }
            Instant start = T0.plus(cadence.every().multipliedBy(k));
            starts.put(platform, start);
            for (int end = k + cadence.runs(Duration.ofDays(1)); k < end; ) {
                record(service, cadence, platform, 0.5, random, k++);
            }
            int after = 0;
            while (!service.settled(platform, cadence.probe()) && after < cadence.runs(Duration.ofDays(7))) {
                record(service, cadence, platform, cadence.usual(), random, k++);
                after++;
            }
            resolvedAfter[seed] = after;
        }
        Map<String, Integer> notices = new java.util.HashMap<>();
        JsonMapper json = JsonMapper.builder().build();
        JdbcClient.create(db).sql("select payload from hook_outbox").query(String.class).list().stream()
                .map(payload -> json.readValue(payload, Notice.class))
                .filter(n -> n.platform().startsWith(prefix) && !n.at().isBefore(starts.get(n.platform())))
                .forEach(n -> notices.merge(n.platform(), 1, Integer::sum));
        int[] counts = IntStream.range(0, SEEDS).map(seed -> notices.getOrDefault(prefix + seed, 0)).sorted()
                .toArray();
        long over = Arrays.stream(counts).filter(c -> c > 3).count();
        Arrays.sort(resolvedAfter);
        row(4, "24 h of 50 % failures, then the usual rate", cadence, SEEDS,
                String.format("notices (opened, resolved) p50 %d, max %d; more than 3 in %.1f %% of days; "
                        + "resolve announced %d runs after the day (median)", counts[SEEDS / 2], counts[SEEDS - 1],
                        100.0 * over / SEEDS, resolvedAfter[SEEDS / 2]),
                "≤ 3 notices");
        assertThat(counts[0]).as("every bad day opens an incident and announces its end").isGreaterThanOrEqualTo(2);
        assertThat((double) over / SEEDS).as(cadence + ": days with more than 3 notices").isLessThanOrEqualTo(0.005);
    }

    private static void record(IncidentService service, Cadence cadence, String platform, double failing,
            SplittableRandom random, int k) {
        service.record(platform, cadence.probe(), cadence.result(cadence.run(failing, random)), cadence.at(k, random));
    }

    private static IncidentService service(List<Platform> platforms) {
        JdbcClient jdbc = JdbcClient.create(db);
        for (Platform platform : platforms) {
            jdbc.sql("insert into platform_contact (platform_id, first_reached_at) values (?, ?)")
                    .params(platform.id(), T0.atOffset(ZoneOffset.UTC)).update();
        }
        PlatformCatalog catalog = new PlatformCatalog("simulation", platforms, null);
        Reachability reach = new Reachability(Clock.systemUTC());
        AlertHooks hooks = new AlertHooks(new HookOutbox(jdbc), DEFAULTS, Clock.systemUTC(), 8080,
                List.of(new RecordingChannel("webhook")), false);
        return new IncidentService(catalog, new IncidentRepository(jdbc),
                new Connectivity(reach, new SelfCheck(DEFAULTS), catalog, Clock.systemUTC()),
                new FirstContact(catalog, reach, jdbc), hooks, new DataSourceTransactionManager(db), DEFAULTS);
    }

    /**
     * A platform down every night 00:00–03:00 (Asia/Shanghai) and flawless otherwise, with the window declared: runs
     * inside it are maintenance (the platform's real window decides, at each run's jittered start, as the dispatcher
     * does), and through the real incident service nothing opens. The same nights fed to a tracker without the window
     * open incidents (the control that shows the case can fail). The score of a platform with such nights is the score
     * of the same runs without them.
     */
    @Test
    void nightlyMaintenanceWithEveryRunFailingOpensNothingAndLeavesTheScore() throws Exception {
        MaintenanceWindow window = new MaintenanceWindow("0 0 0 * * ?", Duration.ofHours(3), "银行维护",
                ZoneId.of("Asia/Shanghai"));
        for (Cadence cadence : List.of(PURCHASE_20M, CHECK_60S)) {
            int runs = cadence.runs(Duration.ofDays("purchase".equals(cadence.probe()) ? 30 : 3));
            String prefix = "night-" + cadence.probe() + "-";
            Schedule schedule = new Schedule(cadence.every(), null, cadence.jitter());
            List<Platform> platforms = IntStream.range(0, SEEDS).mapToObj(seed -> new Platform(prefix + seed, "n",
                    "n", URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), null,
                    Map.of(cadence.probe(), schedule), java.math.BigDecimal.TEN, null,
                    Map.of(MaintenanceWindow.OPTION, List.of(window)))).toList();
            IncidentService service = service(platforms);
            AtomicInteger withWindow = new AtomicInteger();
            AtomicInteger withoutWindow = new AtomicInteger();
            IntStream.range(0, SEEDS).parallel().forEach(seed -> {
                SplittableRandom random = new SplittableRandom(seed);
                Platform declared = platforms.get(seed);
                IncidentTracker undeclared = tracker(cadence);
                boolean controlOpened = false;
                for (int k = 0; k < runs; k++) {
                    Instant at = cadence.at(k, random);
                    IncidentTracker.Observation truth = night(at) ? IncidentTracker.Observation.FAILED_TWICE
                            : IncidentTracker.Observation.SUCCESS;
                    if ("purchase".equals(cadence.probe()) && truth.failed() > 0) {
                        truth = IncidentTracker.Observation.FAILURE;
                    }
                    ProbeResult result = declared.maintenanceAt(at).isPresent()
                            ? new ProbeResult(Outcome.FAILURE, Reason.MAINTENANCE, java.util.Set.of(), Map.of(), null,
                                    null, null, window.toString())
                            : cadence.result(truth);
                    service.record(declared.id(), cadence.probe(), result, at);
                    controlOpened |= undeclared.observe("p", cadence.probe(), truth, at)
                            == IncidentTracker.Transition.OPENED;
                }
                if (!service.incidents(declared.id()).isEmpty()) {
                    withWindow.incrementAndGet();
                }
                if (controlOpened) {
                    withoutWindow.incrementAndGet();
                }
            });
            row(5, "nightly 00:00–03:00 maintenance, every run inside failing", cadence, SEEDS,
                    String.format("%d stretches with an incident with the window declared; without it %d of %d",
                            withWindow.get(), withoutWindow.get(), SEEDS), "0 incidents");
            assertThat(withWindow.get()).as(cadence + ": stretches with an incident despite the window").isZero();
            assertThat(withoutWindow.get()).as("the same nights undeclared are outages").isEqualTo(SEEDS);
        }
        int unchanged = scoresWithAndWithoutMaintenanceNights(window);
        row(6, "nightly 00:00–03:00 maintenance: trust score", PURCHASE_20M, SEEDS,
                unchanged + " of " + SEEDS + " scores equal to the same runs without the nights", "score unchanged");
        assertThat(unchanged).isEqualTo(SEEDS);
    }

    /** 00:00–03:00 in Shanghai: when the simulated platform is down. */
    private static boolean night(Instant at) {
        return at.atZone(ZoneId.of("Asia/Shanghai")).getHour() < 3;
    }

    /**
     * Writes twelve hours of runs, from 21:00 Shanghai time, for two platforms per seed (purchases and storefront
     * checks every 20 minutes, failing at 3 % and 1 %), one of them also with the maintenance runs of the night, and
     * compares their scores as the service reads them.
     */
    private static int scoresWithAndWithoutMaintenanceNights(MaintenanceWindow window) {
        JdbcClient jdbc = JdbcClient.create(db);
        Instant now = T0.plus(Duration.ofHours(9));
        List<Object[]> rows = new ArrayList<>();
        for (int seed = 0; seed < SEEDS; seed++) {
            SplittableRandom random = new SplittableRandom(seed + 99L);
            for (Cadence cadence : List.of(PURCHASE_20M, new Cadence("checks every 20 min", "availability",
                    Duration.ofMinutes(20), Duration.ofSeconds(100), 0.01, SEEDS))) {
                for (int k = 0; k < cadence.runs(Duration.ofHours(12)); k++) {
                    Instant at = cadence.at(k, random).minus(Duration.ofHours(3));
                    boolean night = night(at);
                    boolean failed = cadence.run(cadence.usual(), random).failed() > 0;
                    for (String owner : night ? List.of("with-nights-") : List.of("with-nights-", "without-")) {
                        String outcome = night ? "failure" : failed ? "failure" : "success";
                        String reason = night ? "maintenance" : failed ? "timeout" : "none";
                        Long delivery = !night && !failed && "purchase".equals(cadence.probe()) ? 1_000L + k : null;
                        rows.add(new Object[] {owner + seed, cadence.probe(), at.atOffset(ZoneOffset.UTC),
                                at.plusSeconds(5).atOffset(ZoneOffset.UTC), outcome, reason, delivery,
                                owner + seed + "-" + cadence.probe() + "-" + k});
                    }
                }
            }
        }
        try (var connection = db.getConnection(); var insert = connection.prepareStatement("insert into probe_run "
                + "(platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, outcome, reason, "
                + "delivery_ms, client_order_id, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')")) {
            for (Object[] row : rows) {
                OffsetDateTime start = (OffsetDateTime) row[2];
                insert.setString(1, (String) row[0]);
                insert.setString(2, (String) row[1]);
                insert.setObject(3, start);
                insert.setObject(4, start);
                insert.setObject(5, start);
                insert.setObject(6, row[3]);
                insert.setString(7, (String) row[4]);
                insert.setString(8, (String) row[5]);
                insert.setObject(9, row[6]);
                insert.setString(10, (String) row[7]);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        // the storefront checks reach the score through the daily roll-up, as in the service
        new cardwatch.monitor.site.RunDaily(db).rebuild(
                java.time.LocalDate.ofInstant(now, ZoneId.of("Asia/Shanghai")).minusDays(2), ZoneId.of("Asia/Shanghai"),
                now);
        ScoreEvidence evidence = new ScoreEvidence(jdbc);
        ScoreCalculator calculator = new ScoreCalculator(ScoreCalculator.Settings.defaults());
        int equal = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            ScoreCalculator.Score with = calculator.score(evidence.read("with-nights-" + seed, now), now);
            ScoreCalculator.Score without = calculator.score(evidence.read("without-" + seed, now), now);
            if (with.equals(without) && with.score() != null) {
                equal++;
            }
        }
        return equal;
    }
}
