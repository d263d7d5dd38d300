package cardwatch.monitor.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.monitor.hooks.RecordingChannel;
import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.hooks.HookOutbox;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.network.Connectivity;
import cardwatch.monitor.network.FirstContact;
import cardwatch.monitor.network.Reachability;
import cardwatch.monitor.network.SelfCheck;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/** Incidents as stored in the real schema (H2 with the Flyway migrations), their notices, across a restart. */
class IncidentServiceTest {

    /** Recent, as stored incidents are only restored for platforms active in the last week. */
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(2))
            .truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    private static final Duration EVERY = Duration.ofMinutes(20);

    private IncidentRepository repository;
    private DriverManagerDataSource db;
    private IncidentService service;
    private final List<RecordingChannel> channels = new ArrayList<>();
    private AlertHooks hooks;
    private PlatformCatalog catalog;
    private int step;

    @BeforeEach
    void start() {
        db = new DriverManagerDataSource("jdbc:h2:mem:incidents-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa",
                "");
        Flyway.configure().dataSource(db).load().migrate();
        repository = new IncidentRepository(JdbcClient.create(db));
        service = newService(List.of(), Map.of());
    }

    private IncidentService newService(List<String> references, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(extra);
        for (int i = 0; i < references.size(); i++) {
            settings.put("cardwatch.self-check.references[" + i + "]", references.get(i));
        }
        settings.put("cardwatch.self-check.timeout", "2s");
        settings.put("cardwatch.hooks.group-window", "0s");
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        RecordingChannel recorder = new RecordingChannel("recorder");
        channels.add(recorder);
        hooks = new AlertHooks(new HookOutbox(JdbcClient.create(db)), properties,
                Clock.fixed(T0.plus(Duration.ofDays(3)), ZoneOffset.UTC), 8080, List.of(recorder), false);
        Schedule schedule = new Schedule(EVERY, null, Duration.ofMinutes(2));
        List<Platform> platforms = List.of("shop", "a", "b", "c", "d", "e", "calm").stream()
                .map(id -> new Platform(id, id + "卡盟", id + " Shop", URI.create("http://127.0.0.1:1/" + id), "yrapi",
                        "1", Map.of(), null, Map.of("purchase", schedule, "availability", schedule),
                        java.math.BigDecimal.TEN))
                .toList();
        JdbcClient jdbc = JdbcClient.create(db);
        for (Platform platform : platforms) {
            jdbc.sql("merge into platform_contact (platform_id, first_reached_at) key (platform_id) values (?, ?)")
                    .params(platform.id(), T0.atOffset(ZoneOffset.UTC)).update();
        }
        catalog = new PlatformCatalog("test", platforms, null);
        Reachability reach = new Reachability(Clock.systemUTC());
        return new IncidentService(catalog, repository,
                new Connectivity(reach, new SelfCheck(properties), catalog, Clock.systemUTC()),
                new FirstContact(catalog, reach, jdbc), hooks, new DataSourceTransactionManager(db), properties);
    }

    private void run(String platform, String probe, Reason reason) {
        ProbeResult result = reason.outcome() == Outcome.ERROR ? ProbeResult.error(reason, "")
                : new ProbeResult(reason.outcome(), reason, Set.of(), Map.of(), null, null, null, "");
        service.record(platform, probe, result, T0.plus(EVERY.multipliedBy(step++)));
    }

    private void run(String probe, Reason reason) {
        run("shop", probe, reason);
    }

    private void runs(int times, String probe, Reason reason) {
        for (int i = 0; i < times; i++) {
            run(probe, reason);
        }
    }

    /** What the service of the test has sent (the last one started). */
    private List<Notice> sent() {
        return channels.get(channels.size() - 1).sent();
    }

    private List<String> events() {
        hooks.deliverDue();
        return sent().stream().map(Notice::event).toList();
    }

    @Test
    void aHardOutageOpensWithItsReasonInWordsAndItsResolveIsAnnouncedOnceItHolds() {
        runs(3, "purchase", Reason.TIMEOUT);
        assertThat(service.open("shop")).as("3 failed purchases").isFalse();
        run("purchase", Reason.TIMEOUT);
        assertThat(service.open("shop")).as("the 4th").isTrue();
        IncidentRepository.Incident open = repository.find("open", "shop", 1).get(0);
        assertThat(open.whyZh()).isEqualTo("4 次测试购买连续失败");
        assertThat(open.whyEn()).isEqualTo("4 test purchases failed in a row");
        assertThat(events()).containsExactly("opened");
        assertThat(sent().get(0).text()).contains("判断依据：4 次测试购买连续失败");

        runs(2, "purchase", Reason.TIMEOUT);
        runs(5, "purchase", Reason.NONE);
        assertThat(service.open("shop")).as("back to its usual rate: resolved on the pages").isFalse();
        assertThat(repository.find("resolved", "shop", 1)).hasSize(1);
        assertThat(events()).as("its notice is held").containsExactly("opened");
        runs(6, "purchase", Reason.NONE);
        assertThat(events()).containsExactly("opened", "resolved");
        assertThat(sent().get(1).text()).contains("恢复时间");
    }

    @Test
    void aFailureWhileTheResolveIsHeldContinuesTheSameIncidentWithoutANotice() {
        runs(6, "purchase", Reason.TIMEOUT);
        runs(5, "purchase", Reason.NONE);
        assertThat(service.open("shop")).isFalse();
        run("purchase", Reason.NOT_DELIVERED);
        assertThat(service.open("shop")).as("the same incident, open again").isTrue();
        assertThat(repository.find(null, "shop", 10)).hasSize(1).first().satisfies(incident -> {
            assertThat(incident.timeline()).extracting(IncidentRepository.Event::kind)
                    .containsExactly("opened", "resolved", "reopened");
            assertThat(incident.failures()).isEqualTo(7);
        });
        assertThat(events()).containsExactly("opened");
    }

    @Test
    void theCauseIsTheMostFrequentReasonAndFailuresAreCountedWithoutARowEach() {
        runs(4, "purchase", Reason.HTTP_ERROR);
        runs(6, "purchase", Reason.NOT_DELIVERED);
        IncidentRepository.Incident open = repository.find("open", "shop", 1).get(0);
        assertThat(open.cause()).isEqualTo("not_delivered");
        assertThat(open.failures()).isEqualTo(10);
        assertThat(open.reasons()).isEqualTo("not_delivered:6,http_error:4");
        assertThat(open.timeline()).extracting(IncidentRepository.Event::kind).containsExactly("opened");
    }

    @Test
    void aFlappingPlatformOpensOnItsFailureRateAndSaysSo() {
        Reason[] pattern = {Reason.TIMEOUT, Reason.NONE, Reason.TIMEOUT, Reason.TIMEOUT, Reason.NONE, Reason.TIMEOUT};
        for (int round = 0; round < 3 && !service.open("shop"); round++) {
            for (Reason reason : pattern) {
                if (!service.open("shop")) {
                    run("purchase", reason);
                }
            }
        }
        assertThat(service.open("shop")).isTrue();
        String why = repository.find("open", "shop", 1).get(0).whyZh();
        assertThat(why).matches("过去 \\d+ (分钟|小时) \\d+ 次测试购买中 \\d+ 次失败（\\d+%），平时 3%");
    }

    @Test
    void aStorefrontThatNeedsARetryEveryTimeIsCaughtByItsFailedRequests() {
        ProbeResult retried = new ProbeResult(Outcome.SUCCESS, Reason.NONE, Set.of(Flag.RETRIED), Map.of(), null, null,
                null, "");
        for (int i = 0; i < 12 && !service.open("shop"); i++) {
            service.record("shop", "availability", retried, T0.plus(EVERY.multipliedBy(step++)));
        }
        assertThat(service.open("shop")).as("every check passed on its second request").isTrue();
        assertThat(repository.find("open", "shop", 1).get(0).whyEn()).contains("storefront requests failed");
    }

    @Test
    void errorsAndMaintenanceAreNoEvidenceAndOpenIncidentsSurviveARestart() {
        for (int i = 0; i < 6; i++) {
            run("purchase", Reason.MAINTENANCE);
            run("availability", Reason.CREDENTIALS);
        }
        assertThat(repository.find(null, null, 10)).isEmpty();
        runs(3, "availability", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).isTrue();

        service = newService(List.of(), Map.of());
        assertThat(service.open("shop")).as("after a restart").isTrue();
        runs(20, "availability", Reason.NONE);
        assertThat(repository.find("resolved", "shop", 10)).as("with no runs stored to replay, the incident's rate "
                + "is taken for one half: many successes are needed").hasSize(1);
    }

    private void storedRun(String platform, String outcome, String reason, Instant ended) {
        JdbcClient.create(db).sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, "
                + "actual_start, ended_at, outcome, reason, status) values (?, 'purchase', ?, ?, ?, ?, ?, ?, 'done')")
                .params(platform, ended.atOffset(ZoneOffset.UTC), ended.atOffset(ZoneOffset.UTC),
                        ended.atOffset(ZoneOffset.UTC), ended.atOffset(ZoneOffset.UTC), outcome, reason).update();
    }

    @Test
    void failuresInARowAreRememberedAcrossARestart() {
        Instant recently = Instant.now().minus(Duration.ofMinutes(30));
        for (int i = 0; i < 3; i++) {
            storedRun("shop", "failure", "http_error", recently.plusSeconds(i));
            storedRun("calm", "failure", i == 1 ? "maintenance" : "http_error", recently.plusSeconds(i));
        }
        service = newService(List.of(), Map.of()); // a restart: what was stored before it counts

        run("shop", "purchase", Reason.HTTP_ERROR);
        run("calm", "purchase", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).as("3 failures before the restart and this one: 4 in a row").isTrue();
        assertThat(service.open("calm")).as("a maintenance run is no failure").isFalse();
    }

    @Test
    void aResolveHeldAcrossARestartIsStillAnnouncedOnce() {
        runs(6, "purchase", Reason.TIMEOUT);
        runs(5, "purchase", Reason.NONE);
        assertThat(service.open("shop")).isFalse();
        service = newService(List.of(), Map.of()); // a restart while the resolve is held
        runs(6, "purchase", Reason.NONE);
        assertThat(events()).containsExactly("opened", "resolved");
        assertThat(repository.find(null, "shop", 10)).hasSize(1);
    }

    @Test
    void theRulesComeFromConfigAndNonsenseIsRefused() {
        service = newService(List.of(), Map.of("cardwatch.incidents.purchase-open-after", "6",
                "cardwatch.incidents.purchase-open-evidence", "30", "cardwatch.incidents.continue-within", "0"));
        runs(5, "purchase", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).as("5 failures with purchase-open-after 6").isFalse();
        run("purchase", Reason.HTTP_ERROR);
        assertThat(service.open("shop")).isTrue();
        runs(6, "purchase", Reason.NONE);
        assertThat(events()).as("continue-within 0: announced at once").containsExactly("opened", "resolved");

        var source = new MapConfigurationPropertySource(Map.of("cardwatch.incidents.purchase-usual-failures", "0.4"));
        var validator = new ValidationBindHandler(new LocalValidatorFactoryBean() {
            {
                afterPropertiesSet();
            }
        });
        assertThatThrownBy(() -> new Binder(source).bindOrCreate("cardwatch", Bindable.of(CardwatchProperties.class),
                validator)).hasStackTraceContaining("purchaseUsualFailures");
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
        service = newService(List.of("http://127.0.0.1:" + closed + "/generate_204"), Map.of());
        for (int round = 0; round < 5; round++) {
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
            service = newService(List.of("http://127.0.0.1:" + reference.getAddress().getPort() + "/generate_204"),
                    Map.of());
            service.selfCheck();
            assertThat(service.degraded()).isFalse();
            assertThat(repository.find("resolved", IncidentService.MONITOR, 5)).hasSize(1);
            for (int i = 0; i < 4; i++) {
                run("a", "purchase", Reason.HTTP_ERROR);
            }
            assertThat(service.open("a")).as("with the network back, a platform's failures count again").isTrue();
        } finally {
            reference.stop(0);
        }
    }

    @Test
    void aReferenceThatIsNotAnHttpUrlStopsTheStartNamingIt() {
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.self-check.references[0]", "https://www.baidu.com/",
                "cardwatch.self-check.references[1]", "www.qq.com"))).bindOrCreate("cardwatch", CardwatchProperties.class);
        assertThatThrownBy(() -> new SelfCheck(properties))
                .hasMessage("cardwatch.self-check.references[1]: 'www.qq.com' is not an absolute http or https URL");
    }

    @Test
    void anOpenIncidentIsRemindedOncePerIntervalAndItsResolveIsSent() {
        service = newService(List.of(), Map.of("cardwatch.hooks.remind-every", "1h"));
        runs(4, "purchase", Reason.HTTP_ERROR); // opens at T0 + 60 min
        service.remind(T0.plus(Duration.ofMinutes(100)));
        service.remind(T0.plus(Duration.ofMinutes(125)));
        service.remind(T0.plus(Duration.ofMinutes(130)));
        service.remind(T0.plus(Duration.ofMinutes(190)));
        assertThat(events()).containsExactly("opened", "reminder", "reminder");
        assertThat(sent().get(1).title()).isEqualTo("【Cardwatch】仍未恢复：shop卡盟 测试购买");
        step = 20;
        runs(12, "purchase", Reason.NONE);
        assertThat(events()).endsWith("resolved");
        assertThat(sent().get(sent().size() - 1).thread()).isEqualTo(sent().get(0).thread());
    }

    @Test
    void aRemovedPlatformsOpenIncidentEndsSaidSoAndIsRemindedNoMore() {
        service = newService(List.of(), Map.of("cardwatch.hooks.remind-every", "1h"));
        runs(4, "purchase", Reason.HTTP_ERROR); // opens at T0 + 60 min
        assertThat(service.open("shop")).isTrue();
        catalog.replaceFile(catalog.all().stream().filter(p -> !p.id().equals("shop"))
                .map(p -> new cardwatch.monitor.platform.PlatformConfigLoader.Loaded(p, p.toString())).toList());

        assertThat(service.open("shop")).isFalse();
        IncidentRepository.Incident ended = repository.find(null, "shop", 1).get(0);
        assertThat(ended.state()).isEqualTo("resolved");
        assertThat(ended.timeline()).last().satisfies(e -> assertThat(e.reason())
                .isEqualTo(IncidentRepository.REMOVED));
        service.remind(T0.plus(Duration.ofHours(5)));
        assertThat(events()).containsExactly("opened", "resolved");
        assertThat(sent().get(1).why()).isEqualTo(IncidentService.REMOVED_ZH);
        assertThat(sent().get(1).thread()).isEqualTo(sent().get(0).thread());

        // another instance seeing the same removal ends nothing twice
        service.removed(new Platform("shop", "shop卡盟", "shop Shop", URI.create("http://127.0.0.1:1/shop"), "yrapi",
                "1", Map.of(), null, Map.of(), java.math.BigDecimal.TEN), T0.plus(Duration.ofHours(6)));
        assertThat(events()).containsExactly("opened", "resolved");
    }

    @Test
    void aPlatformRemovedWhileTheServiceWasDownHasItsIncidentEndedAtTheFirstReminderCheck() {
        service = newService(List.of(), Map.of("cardwatch.hooks.remind-every", "1h"));
        JdbcClient jdbc = JdbcClient.create(db);
        long gone = repository.open("gone", "purchase", "timeout", T0, "超时", "timeout");
        long elsewhere = repository.open("api-only", "purchase", "timeout", T0, "超时", "timeout");
        // stored through the admin API, not run here (a secret this instance lacks): another instance watches it
        jdbc.sql("insert into platform_entry (platform_id, entry, updated_at, updated_by) values (?, ?, ?, ?)")
                .params("api-only", "id: api-only", T0.atOffset(ZoneOffset.UTC), "admin").update();
        runs(4, "purchase", Reason.HTTP_ERROR); // shop, which is watched: stays open

        service = newService(List.of(), Map.of("cardwatch.hooks.remind-every", "1h")); // the start after the removal
        service.remind(T0.plus(Duration.ofHours(3)));

        IncidentRepository.Incident ended = repository.find(null, "gone", 1).get(0);
        assertThat(ended.id()).isEqualTo(gone);
        assertThat(ended.state()).isEqualTo("resolved");
        assertThat(ended.timeline()).last().satisfies(e -> assertThat(e.reason())
                .isEqualTo(IncidentRepository.REMOVED));
        assertThat(repository.find("open", "api-only", 1)).extracting(IncidentRepository.Incident::id)
                .containsExactly(elsewhere);
        assertThat(service.open("shop")).isTrue();
        List<Notice> notices = new ArrayList<>();
        hooks.deliverDue();
        sent().forEach(notices::add);
        assertThat(notices).filteredOn(n -> n.event().equals("resolved")).singleElement().satisfies(n -> {
            assertThat(n.why()).isEqualTo(IncidentService.REMOVED_ZH);
            assertThat(n.title()).contains("gone");
        });
        assertThat(notices).filteredOn(n -> n.event().equals("reminder")).extracting(Notice::title)
                .noneMatch(t -> t.contains("gone"));

        service.remind(T0.plus(Duration.ofHours(4)));
        hooks.deliverDue();
        assertThat(sent()).filteredOn(n -> n.event().equals("resolved")).as("ended once").hasSize(1);
    }
}
