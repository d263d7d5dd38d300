package cardwatch.monitor.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.admin.AuditLog;
import cardwatch.monitor.admin.Pauses;
import cardwatch.monitor.platform.MaintenanceWindow;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.run.ProbeMeters;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.run.RunWriter;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.Probe;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Probes;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The dispatcher with its real collaborators (H2 with the Flyway schema, Micrometer, the recorder): probes are a
 * test implementation of the probe SPI that blocks until released.
 */
class ProbeDispatcherTest {

    /** Not the purchase probe: the dispatcher runs it as it is, without money handling. */
    private static final String GATED = "gated";

    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    /** Platforms whose probe has started. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RunRepository runs;
    private RunWriter writer;
    private ProbeDispatcher dispatcher;
    private Bulkheads bulkheads;
    private Pauses pauses;

    /** Succeeds once its platform's gate opens. */
    private final Probe gatedProbe = new Probe() {
        @Override
        public String kind() {
            return GATED;
        }

        @Override
        public ProbeResult run(PlatformSettings platform, ProbeContext context) throws InterruptedException {
            started.add(platform.id());
            CountDownLatch gate = gates.get(platform.id());
            if (gate != null && !gate.await(10, TimeUnit.SECONDS)) {
                return ProbeResult.error(Reason.INTERNAL, "gate never opened");
            }
            return new ProbeResult(Outcome.SUCCESS, Reason.NONE, Set.of(), Map.of(), null, null, null,
                    "order id " + context.clientOrderId() + ", notify URL " + context.notifyUrl());
        }
    };

    @BeforeEach
    void start() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:dispatch-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        runs = new RunRepository(db);
        writer = new RunWriter(runs);
        SecretResolver secrets = new SecretResolver(name -> null, null);
        PlatformCatalog catalog = new PlatformCatalog("test", List.of(platform("slow-one", Duration.ZERO),
                platform("fast-one", Duration.ZERO), platform("jittery", Duration.ofSeconds(2)), inMaintenance()),
                secrets);
        ProbeMeters probeMeters = new ProbeMeters(catalog);
        probeMeters.bindTo(meters);
        SchedulerMeters schedulerMeters = new SchedulerMeters();
        schedulerMeters.bindTo(meters);
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.callback-base-url", "http://localhost:1", "cardwatch.probe-pool.threads", "2")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        dispatcher = new ProbeDispatcher(catalog,
                new ProbeRegistry(Map.of(GATED, gatedProbe), Probes.protocols()), runs,
                new RunRecorder(runs, writer, probeMeters, Clock.systemUTC()), schedulerMeters,
                new HttpTransport(HttpLimits.defaults()), new MemoryNotifyInbox(),
                Clock.systemUTC(), new RunGuard(), null, bulkheads = new Bulkheads(properties),
                pauses = new Pauses(JdbcClient.create(db), new AuditLog(JdbcClient.create(db), Clock.systemUTC()),
                        Clock.systemUTC(), meters));
    }

    @AfterEach
    void stop() throws InterruptedException {
        gates.values().forEach(CountDownLatch::countDown);
        dispatcher.destroy();
        bulkheads.destroy();
        writer.destroy();
    }

    private static Platform platform(String id, Duration jitter) {
        return new Platform(id, id, id, URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), null,
                Map.of(GATED, new Schedule(Duration.ofMinutes(5), null, jitter)), BigDecimal.TEN);
    }

    /** In a window that starts every minute and lasts one: always in maintenance. */
    private static Platform inMaintenance() {
        try {
            MaintenanceWindow always = new MaintenanceWindow("0 * * * * ?", Duration.ofMinutes(1), "银行维护",
                    ZoneId.of("Asia/Shanghai"));
            return new Platform("in-maintenance", "维护中", "In maintenance", URI.create("http://127.0.0.1:1/"),
                    "yrapi", "1", Map.of(), null, Map.of(GATED, new Schedule(Duration.ofMinutes(5), null,
                            Duration.ZERO)), BigDecimal.TEN, null, Map.of(MaintenanceWindow.OPTION, List.of(always)));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPausedPlatformStartsNoScheduledRunButRunsWhenAskedAndAgainOnceResumed() {
        Instant fire = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(pauses.pause("fast-one", "ops")).isTrue();
        assertThat(pauses.pause("fast-one", "ops")).as("paused already: nothing written").isFalse();
        pauses.refresh();
        assertThat(meters.get("cardwatch.platform.paused").tag("platform", "fast-one").gauge().value()).isEqualTo(1);

        dispatcher.fire("fast-one", GATED, fire);
        dispatcher.startAt(fire.toEpochMilli(), List.of(new CheckShards.Due("fast-one", GATED, fire, fire)));
        dispatcher.fire("slow-one", GATED, fire);
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("slow-one").size() == 1);
        assertThat(started).doesNotContain("fast-one");

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        gates.put("fast-one", new CountDownLatch(1));
        assertThat(dispatcher.runNow("fast-one", GATED, now)).isEqualTo(ProbeDispatcher.RunNow.STARTED);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("fast-one"));
        assertThat(dispatcher.runNow("fast-one", GATED, now.plusMillis(1)))
                .as("one run of a platform's probe at a time").isEqualTo(ProbeDispatcher.RunNow.BUSY);
        gates.get("fast-one").countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("fast-one").size() == 1);
        assertThat(finished("fast-one").get(0).scheduledFire()).isEqualTo(now);
        assertThat(dispatcher.runNow("fast-one", "no-such-probe", now)).isEqualTo(ProbeDispatcher.RunNow.NO_SUCH_PROBE);

        assertThat(pauses.resume("fast-one", "ops")).isTrue();
        assertThat(pauses.resume("fast-one", "ops")).isFalse();
        pauses.refresh();
        assertThat(meters.find("cardwatch.platform.paused").gauges()).isEmpty();
        dispatcher.fire("fast-one", GATED, now.plusMillis(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("fast-one").size() == 2);
    }

    @Test
    void aRunInAMaintenanceWindowSendsNothingAndCarriesReasonMaintenance() {
        gates.put("in-maintenance", new CountDownLatch(1)); // never opened: the probe would hang for 10 s

        dispatcher.fire("in-maintenance", GATED, Instant.now().truncatedTo(ChronoUnit.MILLIS));

        await().atMost(Duration.ofSeconds(3)).until(() -> finished("in-maintenance").size() == 1);
        ProbeRun run = finished("in-maintenance").get(0);
        assertThat(run.outcome()).isEqualTo("failure");
        assertThat(run.reason()).isEqualTo("maintenance");
        assertThat(run.evidence()).contains("0 * * * * ?", "银行维护");
    }

    private double skipped(String reason) {
        return meters.get(SchedulerMeters.SKIPPED).tag("reason", reason).counter().count();
    }

    private List<ProbeRun> finished(String platform) {
        return runs.recent(platform, 10).stream().filter(r -> r.endedAt() != null).toList();
    }

    @Test
    void aRunStillGoingMakesTheNextFireSkipAndASlowPlatformDelaysNoOther() {
        gates.put("slow-one", new CountDownLatch(1));
        Instant fire = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        dispatcher.fire("slow-one", GATED, fire);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("slow-one"));
        dispatcher.fire("slow-one", GATED, fire.plusSeconds(300));
        dispatcher.fire("fast-one", GATED, fire);

        await().atMost(Duration.ofSeconds(5)).until(() -> finished("fast-one").size() == 1);
        assertThat(skipped(SchedulerMeters.OVERLAP)).isEqualTo(1);
        assertThat(finished("slow-one")).isEmpty();

        gates.get("slow-one").countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("slow-one").size() == 1);
        assertThat(runs.recent("slow-one", 10)).hasSize(1);
        assertThat(meters.get("cardwatch.probe.runs").tags("platform", "slow-one", "probe", GATED, "outcome", "success").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void theSameFireIsNeverRunTwiceAndARunThatOrdersNothingIsGivenNoOrderId() {
        Instant fire = Instant.parse("2026-11-26T01:00:00Z");

        dispatcher.fire("fast-one", GATED, fire);
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("fast-one").size() == 1);
        dispatcher.fire("fast-one", GATED, fire);
        await().atMost(Duration.ofSeconds(5)).until(() -> skipped(SchedulerMeters.ALREADY_RUN) == 1);

        assertThat(runs.recent("fast-one", 10)).singleElement().satisfies(run -> {
            // a run that places no order is given neither an order id nor a notify URL (the probe put them in its
            // evidence), and keeps no order id in its row; purchases get theirs from PurchaseEngine
            assertThat(run.evidence()).isEqualTo("order id null, notify URL null");
            assertThat(run.clientOrderId()).isNull();
            assertThat(run.scheduledFire()).isEqualTo(fire);
        });
    }

    @Test
    void jitterDelaysThePlannedStartWithinItsBoundAndLagIsMeasured() {
        Instant fire = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        dispatcher.fire("jittery", GATED, fire);
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("jittery").size() == 1);

        ProbeRun run = finished("jittery").get(0);
        assertThat(run.plannedStart()).isBetween(fire, fire.plusSeconds(2));
        assertThat(run.actualStart()).isAfterOrEqualTo(run.plannedStart().truncatedTo(ChronoUnit.MILLIS));
        assertThat(meters.get("cardwatch.scheduler.lag").timer().count()).isEqualTo(1);
    }

    @Test
    void aFireThatComesEarlyStartsItsRunNoSoonerThanPlanned() {
        // Quartz hands over triggers due within its fire-ahead window together, some before their time
        Instant fire = Instant.now().plusMillis(400).truncatedTo(ChronoUnit.MILLIS);

        dispatcher.fire("fast-one", GATED, fire);
        await().atMost(Duration.ofSeconds(5)).until(() -> finished("fast-one").size() == 1);

        ProbeRun run = finished("fast-one").get(0);
        assertThat(run.plannedStart()).isEqualTo(fire);
        assertThat(run.actualStart()).isAfterOrEqualTo(fire);
    }

    @Test
    void aShardTickThatComesEarlyStartsItsChecksNoSoonerThanPlanned() {
        Instant tick = Instant.now().plusMillis(400).truncatedTo(ChronoUnit.MILLIS);

        dispatcher.startAt(tick.toEpochMilli(), List.of(
                new CheckShards.Due("fast-one", GATED, tick.minusSeconds(2), tick), // jittered by 2 s
                new CheckShards.Due("jittery", GATED, tick, tick)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> finished("fast-one").size() == 1 && finished("jittery").size() == 1);

        assertThat(List.of(finished("fast-one").get(0), finished("jittery").get(0))).allSatisfy(run -> {
            assertThat(run.plannedStart()).isEqualTo(tick);
            assertThat(run.actualStart()).isAfterOrEqualTo(tick);
        });
        assertThat(finished("fast-one").get(0).scheduledFire()).isEqualTo(tick.minusSeconds(2));
        assertThat(meters.get("cardwatch.scheduler.lag").timer().count()).isEqualTo(2);
    }

    @Test
    void derivedOrderIdsDifferPerPlatformAndFire() {
        Instant fire = Instant.parse("2026-11-26T01:00:00Z");
        assertThat(ClientOrderIds.derive("a", GATED, fire))
                .isEqualTo(ClientOrderIds.derive("a", GATED, fire))
                .isNotEqualTo(ClientOrderIds.derive("b", GATED, fire))
                .isNotEqualTo(ClientOrderIds.derive("a", GATED, fire.plusMillis(1)))
                .matches("CW[0-9A-F]{24}");
    }
}
