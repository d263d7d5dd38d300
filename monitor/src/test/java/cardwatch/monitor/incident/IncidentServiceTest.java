package cardwatch.monitor.incident;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import cardwatch.monitor.system.CardwatchProperties;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import cardwatch.monitor.hooks.AlertChannel;
import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.hooks.HookOutbox;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Incidents as stored in the real schema (H2 with the Flyway migrations), across a restart of the service. */
class IncidentServiceTest {

    /** Recent, as stored incidents are only restored for platforms active in the last week. */
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(2))
            .truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    private IncidentRepository repository;
    private DriverManagerDataSource db;
    private IncidentService service;
    private int step;

    @BeforeEach
    void start() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:incidents-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        repository = new IncidentRepository(JdbcClient.create(db));
        this.db = db;
        service = newService();
    }

    private IncidentService newService() {
        return newService(List.of());
    }

    private IncidentService newService(List<String> references) {
        return newService(references, Map.of());
    }

    private IncidentService newService(List<String> references, Map<String, Object> extra) {
        Map<String, Object> settings = new java.util.HashMap<>(extra);
        for (int i = 0; i < references.size(); i++) {
            settings.put("cardwatch.self-check.references[" + i + "]", references.get(i));
        }
        settings.put("cardwatch.self-check.timeout", "2s");
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        AlertHooks hooks = new AlertHooks(new HookOutbox(JdbcClient.create(db)), properties, Clock.systemUTC(), 8080,
                List.of(), false);
        return new IncidentService(new PlatformCatalog("test", List.of(), null), repository, new SelfCheck(properties),
                hooks, new DataSourceTransactionManager(db), properties);
    }

    private void run(String platform, String probe, Reason reason) {
        ProbeResult result = reason.outcome() == Outcome.ERROR ? ProbeResult.error(reason, "")
                : new ProbeResult(reason.outcome(), reason, Set.of(), Map.of(), null, null, null, "");
        service.record(platform, probe, result, T0.plus(Duration.ofMinutes(15L * step++)));
    }

    @Test
    void whenOurNetworkIsDownEveryPlatformFailsButOnlyMonitorDegradedOpens() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        HttpServer reference = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        reference.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        service = newService(List.of("http://127.0.0.1:" + closed + "/generate_204"));
        for (int round = 0; round < 4; round++) {
            for (String platform : List.of("a", "b", "c", "d", "e")) {
                run(platform, "purchase", Reason.HTTP_ERROR);
                run(platform, "availability", Reason.TIMEOUT);
            }
        }
        assertThat(service.degraded()).isTrue();
        assertThat(repository.find("open", null, 50)).extracting(IncidentRepository.Incident::platform)
                .containsExactly(IncidentService.MONITOR);
        assertThat(List.of("a", "b", "c", "d", "e")).noneMatch(service::open);

        reference.start();
        try {
            service = newService(List.of("http://127.0.0.1:" + reference.getAddress().getPort() + "/generate_204"));
            service.selfCheck();
            assertThat(service.degraded()).isFalse();
            assertThat(repository.find("resolved", IncidentService.MONITOR, 5)).hasSize(1);
            run("a", "purchase", Reason.HTTP_ERROR);
            run("a", "purchase", Reason.HTTP_ERROR);
            assertThat(service.open("a")).as("with the network back, a platform's failures count again").isTrue();
        } finally {
            reference.stop(0);
        }
    }

    private void run(String probe, Reason reason) {
        run("shop", probe, reason);
    }

    private void storedRun(String platform, String outcome, String reason, Instant ended) {
        JdbcClient.create(db).sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, "
                + "actual_start, ended_at, outcome, reason, status) values (?, 'purchase', ?, ?, ?, ?, ?, ?, 'done')")
                .params(platform, ended.atOffset(java.time.ZoneOffset.UTC), ended.atOffset(java.time.ZoneOffset.UTC),
                        ended.atOffset(java.time.ZoneOffset.UTC), ended.atOffset(java.time.ZoneOffset.UTC), outcome,
                        reason).update();
    }

    @Test
    void failuresInARowAreRememberedAcrossARestart() {
        Instant recently = Instant.now().minus(Duration.ofMinutes(10));
        storedRun("shop", "failure", "http_error", recently);
        storedRun("calm", "success", "none", recently.minusSeconds(60));
        storedRun("calm", "failure", "maintenance", recently);
        service = newService(); // a restart: what was stored before it counts

        run("shop", "purchase", Reason.HTTP_ERROR);
        run("calm", "purchase", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).as("the failure before the restart and this one: 2 in a row").isTrue();
        assertThat(service.open("calm")).as("a maintenance run is no failure").isFalse();
    }

    @Test
    void anIncidentThatReopensSoonAfterARestartStillContinues() {
        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.NONE);
        run("purchase", Reason.NONE);
        assertThat(service.open("shop")).isFalse();
        service = newService(); // a restart between the resolve and the next failures
        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.HTTP_ERROR);
        assertThat(repository.find(null, "shop", 10)).as("the same incident continues").hasSize(1);
        assertThat(service.open("shop")).isTrue();
    }

    @Test
    void theOpenAndResolveCountsComeFromConfig() {
        service = newService(List.of(), Map.of("cardwatch.incidents.purchase-open-after", "4",
                "cardwatch.incidents.resolve-after", "3"));
        for (int i = 0; i < 3; i++) {
            run("purchase", Reason.HTTP_ERROR);
        }
        assertThat(service.open("shop")).as("3 failures with purchase-open-after 4").isFalse();
        run("purchase", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).isTrue();
        run("purchase", Reason.NONE);
        run("purchase", Reason.NONE);
        assertThat(service.open("shop")).as("2 successes with resolve-after 3").isTrue();
        run("purchase", Reason.NONE);
        assertThat(service.open("shop")).isFalse();
    }

    @Test
    void aReferenceThatIsNotAnHttpUrlStopsTheStartNamingIt() {
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.self-check.references[0]", "https://www.baidu.com/",
                "cardwatch.self-check.references[1]", "www.qq.com"))).bindOrCreate("cardwatch", CardwatchProperties.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SelfCheck(properties))
                .hasMessage("cardwatch.self-check.references[1]: 'www.qq.com' is not an absolute http or https URL");
    }

    @Test
    void minSamplesLargerThanTheWindowIsRejected() {
        var source = new MapConfigurationPropertySource(Map.of("cardwatch.incidents.window", "5",
                "cardwatch.incidents.min-samples", "10"));
        var validator = new org.springframework.boot.context.properties.bind.validation.ValidationBindHandler(
                new org.springframework.validation.beanvalidation.LocalValidatorFactoryBean() {
                    {
                        afterPropertiesSet();
                    }
                });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Binder(source)
                .bindOrCreate("cardwatch", org.springframework.boot.context.properties.bind.Bindable
                        .of(CardwatchProperties.class), validator))
                .hasStackTraceContaining("min-samples must not exceed window");
    }

    @Test
    void anIncidentKeepsItsTimelineItsDominantCauseAndContinuesWhenItReopensSoon() {
        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.NOT_DELIVERED);
        run("purchase", Reason.NOT_DELIVERED);
        run("purchase", Reason.NOT_DELIVERED);
        assertThat(service.open("shop")).isTrue();
        var open = repository.find("open", "shop", 10);
        assertThat(open).hasSize(1);
        assertThat(open.get(0).cause()).isEqualTo("not_delivered");
        assertThat(open.get(0).timeline()).extracting(IncidentRepository.Event::kind)
                .containsExactly("opened", "updated", "updated", "updated");

        run("purchase", Reason.NONE);
        run("purchase", Reason.NONE);
        assertThat(service.open("shop")).isFalse();
        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.HTTP_ERROR);

        var all = repository.find(null, "shop", 10);
        assertThat(all).as("reopened within 30 minutes: the same incident").hasSize(1);
        assertThat(all.get(0).state()).isEqualTo("open");
        assertThat(all.get(0).timeline()).extracting(IncidentRepository.Event::kind)
                .containsSubsequence("resolved", "reopened");
    }

    @Test
    void anOpenIncidentIsRemindedOncePerIntervalAndItsResolveIsSent() {
        List<Notice> sent = new java.util.ArrayList<>();
        AlertChannel recorder = new AlertChannel() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public void send(Notice notice) {
                sent.add(notice);
            }
        };
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.hooks.remind-every", "1h", "cardwatch.hooks.group-window", "0s")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        AlertHooks hooks = new AlertHooks(new HookOutbox(JdbcClient.create(db)), properties,
                Clock.fixed(T0.plus(Duration.ofDays(1)), java.time.ZoneOffset.UTC), 8080, List.of(recorder), false);
        service = new IncidentService(new PlatformCatalog("test", List.of(), null), repository, new SelfCheck(properties),
                hooks, new DataSourceTransactionManager(db), properties);

        run("purchase", Reason.HTTP_ERROR);
        run("purchase", Reason.HTTP_ERROR); // opens at T0 + 15 min
        service.remind(T0.plus(Duration.ofMinutes(50)));
        service.remind(T0.plus(Duration.ofMinutes(80)));
        service.remind(T0.plus(Duration.ofMinutes(85)));
        service.remind(T0.plus(Duration.ofMinutes(140)));
        hooks.deliverDue();

        assertThat(sent).extracting(Notice::event).containsExactly("opened", "reminder", "reminder");
        assertThat(sent.get(1).title()).isEqualTo("【Cardwatch】仍未恢复：shop 购买探测");
        step = 20;
        run("purchase", Reason.NONE);
        run("purchase", Reason.NONE);
        hooks.deliverDue();
        assertThat(sent).extracting(Notice::event).endsWith("resolved");
        assertThat(sent.get(sent.size() - 1).thread()).isEqualTo(sent.get(0).thread());
    }

    @Test
    void errorsAndMaintenanceOpenNothingAndOpenIncidentsSurviveARestart() {
        for (int i = 0; i < 5; i++) {
            run("purchase", Reason.MAINTENANCE);
            run("availability", Reason.NETWORK);
        }
        assertThat(repository.find(null, null, 10)).isEmpty();
        run("availability", Reason.HTTP_ERROR);
        run("availability", Reason.HTTP_ERROR);
        run("availability", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).isTrue();

        service = newService();
        assertThat(service.open("shop")).as("after a restart").isTrue();
        run("availability", Reason.NONE);
        run("availability", Reason.NONE);
        assertThat(repository.find("resolved", "shop", 10)).hasSize(1);
    }
}
