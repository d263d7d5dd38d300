package cardwatch.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.support.LocalBinary;
import cardwatch.monitor.system.ServiceClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import cardwatch.monitor.purchase.ServiceProcess;
import cardwatch.monitor.system.PageSnapshot;
import cardwatch.monitor.system.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service on a real PostgreSQL server when the datasource URL says so: Flyway migrates, runs are stored. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "cardwatch.demo.every=2s",
        "cardwatch.demo.jitter=1s",
        "cardwatch.demo.min-interval=1s",
        "cardwatch.demo.notify-deadline=2s",
        "cardwatch.demo.confirm-deadline=3s",
        "cardwatch.site.refresh=2s",
        "cardwatch.site.write-every=4s",
        "cardwatch.score.settle=1s",
        "cardwatch.score.every=2s"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final EmbeddedPostgres POSTGRES = start();

    private static EmbeddedPostgres start() {
        try {
            // closed by the service's context, after its pool (below), not by a JVM hook of its own that races the
            // context's: stopped first, it left the service's tasks waiting 30 s for connections at exit
            return EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
    }

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> POSTGRES.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        TestTokens.register(registry);
    }

    /**
     * The database closes with the service, after its connection pool: closed in an {@code @AfterAll}, before the
     * service, the service's threads would wait out the pool's timeout at exit.
     */
    @org.springframework.boot.test.context.TestConfiguration
    static class Database {

        @org.springframework.context.annotation.Bean(destroyMethod = "close")
        EmbeddedPostgres embeddedPostgres() {
            return POSTGRES;
        }

        @org.springframework.context.annotation.Bean
        static org.springframework.beans.factory.config.BeanFactoryPostProcessor dataSourceAfterDatabase() {
            return factory -> factory.getBeanDefinition("dataSource").setDependsOn("embeddedPostgres");
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Test
    void runsAreStoredInPostgresAndServedByTheApi() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.sql(
                "select count(*) from probe_run where outcome = 'success' and delivery_ms > 0")
                .query(Long.class).single() > 0);

        String product = jdbc.sql("select version()").query(String.class).single();
        assertThat(product).startsWith("PostgreSQL");
        assertThat(jdbc.sql("select count(*) from flyway_schema_history where not success").query(Long.class)
                .single()).as("failed migrations").isZero();
        assertThat(jdbc.sql("select count(*) from ledger_entry where kind = 'charge'").query(Long.class).single())
                .as("purchases are in the ledger").isPositive();
        assertThat(jdbc.sql("select data_type from information_schema.columns where table_name = 'probe_run' "
                + "and column_name = 'actual_start'").query(String.class).single())
                .isEqualTo("timestamp with time zone");

        ServiceClient client = new ServiceClient(port);
        assertThat(client.get("/api/v1/platforms").body()).contains("\"protocol\":\"yrapi\"");
        assertThat(client.get("/api/v1/platforms/reliable/runs?limit=3").statusCode()).isEqualTo(200);
        assertThat(client.get("/actuator/prometheus").body())
                .contains("cardwatch_probe_runs_total{outcome=\"success\",platform=\"reliable\"");
    }

    /**
     * The backup the README gives, done as it says: {@code pg_dump --format=custom} of the live database, restored
     * with {@code pg_restore} into a new one. The dump is one consistent snapshot: every ledger entry it holds is
     * there exactly as in the live database, and the restored schema is the one this version's migrations expect.
     */
    @Test
    void aDumpOfTheLiveDatabaseRestoresWithEveryLedgerEntryAndTheSchema(@TempDir Path dir) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.sql(
                "select count(*) from ledger_entry").query(Long.class).single() > 0);
        dumpAndRestore(dir, "restored");

        DataSource copy = POSTGRES.getDatabase("postgres", "restored");
        JdbcClient again = JdbcClient.create(copy);
        long last = again.sql("select max(id) from ledger_entry").query(Long.class).single();
        String entries = "select id, entry_key, platform_id, run_id, kind, amount, platform_order_no, occurred_at "
                + "from ledger_entry where id <= ? order by id";
        assertThat(again.sql(entries).param(last).query().listOfRows()).isNotEmpty()
                .isEqualTo(jdbc.sql(entries).param(last).query().listOfRows());
        assertThat(Flyway.configure().dataSource(copy).load().validateWithResult().validationSuccessful)
                .as("the restored schema is the migrations'").isTrue();
        assertThat(again.sql("select count(*) from qrtz_locks").query(Long.class).single()).isNotNegative();
    }

    /**
     * The restore the README gives, into a new instance: the live service's platforms are paused so that its pages
     * stand still, the database is dumped and restored into a new one, and a service started on it (a child JVM, as
     * an operator starts one) serves the same pages, runs, scores and ledger. Last, as it pauses every platform.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aServiceStartedOnTheRestoredDumpServesTheSamePagesAndLedger(@TempDir Path dir) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.sql(
                "select count(*) from ledger_entry").query(Long.class).single() > 0);
        ServiceClient admin = new ServiceClient(port).withToken(TestTokens.ADMIN);
        List<String> ids = new ArrayList<>();
        JSON.readTree(new ServiceClient(port).get("/api/v1/platforms").body()).forEach(p -> ids.add(p.path("id")
                .asString()));
        for (String id : ids) {
            assertThat(admin.send("POST", "/api/admin/v1/platforms/" + id + "/pause", null).statusCode()).isEqualTo(200);
        }
        // the service's own runs, not the rows other tests here write by hand (probe 'manual')
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> jdbc.sql(
                "select count(*) from probe_run where ended_at is null and probe <> 'manual'").query(Long.class)
                .single() == 0);
        List<String> pages = new ArrayList<>(List.of("/api/v1/platforms", "/api/v1/ledger", "/api/v1/ledger/summary",
                "/api/v1/incidents", "/"));
        for (String id : ids) {
            pages.addAll(List.of("/api/v1/platforms/" + id, "/api/v1/platforms/" + id + "/runs?limit=500",
                    "/api/v1/platforms/" + id + "/score", "/platforms/" + id));
        }
        ServiceClient reader = new ServiceClient(port).withToken(TestTokens.READ);
        // the dump must fall between two equal snapshots of the live pages: a storefront check under way when its
        // platform was paused (its row is written once it ends) or a figure the pages have not caught up with (the
        // score reads the days' table, written every few seconds) is in the dump before it is in the pages
        Map<String, String> before = PageSnapshot.settled(reader, pages);
        String fresh = null;
        for (int attempt = 1; attempt <= 3 && fresh == null; attempt++) {
            dumpAndRestore(dir, "fresh" + attempt);
            Map<String, String> after = PageSnapshot.settled(reader, pages);
            if (PageSnapshot.same(before, after)) {
                fresh = "fresh" + attempt;
            }
            before = after;
        }
        assertThat(fresh).as("the live pages stood still around a dump").isNotNull();

        List<String> arguments = new ArrayList<>(List.of("--server.port=0",
                "--spring.datasource.url=" + POSTGRES.getJdbcUrl("postgres", fresh),
                "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                "--cardwatch.site.refresh=1s", "--cardwatch.score.settle=1s", "--cardwatch.score.every=2s"));
        TestTokens.settings().forEach(setting -> arguments.add("--" + setting));
        try (ServiceProcess service = new ServiceProcess(dir, Path.of("target", "postgres-restore", "service.log"),
                arguments)) {
            ServiceClient copy = new ServiceClient(service.port()).withToken(TestTokens.READ);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> copy.get("/platforms/" + ids.get(0)).statusCode() == 200);
            PageSnapshot.assertSame(before, PageSnapshot.settled(copy, pages));
        }
    }

    /** The README's backup: {@code pg_dump --format=custom} of the live database, {@code pg_restore} into a new one. */
    private void dumpAndRestore(Path dir, String database) throws Exception {
        String port = String.valueOf(POSTGRES.getPort());
        Path dump = dir.resolve("cardwatch.dump");
        LocalBinary.Result dumped = LocalBinary.run(dir, "/usr/bin/pg_dump", "--format=custom", "--file=" + dump,
                "--host=localhost", "--port=" + port, "--username=postgres", "--dbname=postgres");
        assertThat(dumped.exit()).as(dumped.output()).isZero();
        jdbc.sql("create database " + database).update();
        LocalBinary.Result restored = LocalBinary.run(dir, "/usr/bin/pg_restore", "--host=localhost", "--port=" + port,
                "--username=postgres", "--dbname=" + database, "--no-owner", dump.toString());
        assertThat(restored.exit()).as(restored.output()).isZero();
    }

    @Test
    void trustScoresAndTheirDailyHistoryAreStoredInPostgres() {
        ServiceClient client = new ServiceClient(port);
        for (String platform : new String[] {"reliable", "down"}) {
            assertThat(client.get("/api/v1/platforms/" + platform + "/score").statusCode()).isEqualTo(200);
            assertThat(client.get("/api/v1/platforms/" + platform + "/score").statusCode()).isEqualTo(200);
        }
        assertThat(jdbc.sql("select count(*) from score_history where platform_id in ('reliable', 'down')")
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void thePublicPagesFiguresAreRolledUpInPostgres() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> jdbc.sql(
                "select coalesce(sum(successes), 0) from run_daily where platform_id = 'reliable' and probe = 'purchase'")
                .query(Long.class).single() > 0);
        ServiceClient client = new ServiceClient(port);
        assertThat(client.get("/").body()).contains("稳定卡盟");
        assertThat(client.get("/platforms/reliable?lang=en").body()).contains("Steady Cards");
    }

    @Test
    void theDatabaseRefusesASecondRowForTheSameFire() {
        var repository = new RunRepository(dataSource);
        var fire = java.time.Instant.parse("2026-01-01T00:00:00Z");

        assertThat(repository.begin("reliable", "manual", fire, fire, fire, "CWPGTEST1")).isPresent();
        assertThat(repository.begin("reliable", "manual", fire, fire, fire, "CWPGTEST2")).isEmpty();
        assertThat(repository.begin("reliable", "manual", fire.plusSeconds(1), fire, fire, "CWPGTEST1")).isEmpty();
    }

    @Test
    void aBatchOfEndedRunsKeepsAllButTheDuplicate() {
        var repository = new RunRepository(dataSource);
        var fire = java.time.Instant.parse("2026-01-02T00:00:00Z");
        var result = new cardwatch.probes.ProbeResult(cardwatch.probes.Outcome.SUCCESS, cardwatch.probes.Reason.NONE,
                java.util.Set.of(), java.util.Map.of(), null, null, null, "");
        java.util.function.BiFunction<String, String, RunRepository.Finished> row = (platform, id) ->
                new RunRepository.Finished(new RunStart(RunStart.UNSAVED, platform, "batch-check", fire, fire, fire,
                        id), result, fire.plusSeconds(1));

        assertThat(repository.insertFinished(java.util.List.of(row.apply("reliable", "CWPGBATCH1")))).isEmpty();
        var refused = repository.insertFinished(java.util.List.of(row.apply("down", "CWPGBATCH2"),
                row.apply("reliable", "CWPGBATCH3"), row.apply("slow", "CWPGBATCH4")));

        assertThat(refused).extracting(n -> n.row().run().platform()).containsExactly("reliable");
        assertThat(jdbc.sql("select count(*) from probe_run where probe = 'batch-check'").query(Long.class).single())
                .isEqualTo(3);
    }

    /** Retention's own SQL on PostgreSQL, in a database of its own: hours rolled up, raw runs deleted in batches. */
    @Test
    void retentionRollsUpAndPrunesOnPostgres() {
        jdbc.sql("create database retention").update();
        DataSource own = POSTGRES.getDatabase("postgres", "retention");
        Flyway.configure().dataSource(own).load().migrate();
        JdbcClient db = JdbcClient.create(own);
        java.time.Instant now = java.time.Instant.now();
        for (int i = 1; i <= 120; i++) {
            java.time.Instant at = now.minus(Duration.ofHours(8L * i));
            db.sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                            + "outcome, reason, flags, status) values ('p', 'availability', ?, ?, ?, ?, ?, ?, '', 'done')")
                    .params(at.atOffset(java.time.ZoneOffset.UTC), at.atOffset(java.time.ZoneOffset.UTC),
                            at.atOffset(java.time.ZoneOffset.UTC), at.plusSeconds(1).atOffset(java.time.ZoneOffset.UTC),
                            i % 5 == 0 ? "failure" : "success", i % 5 == 0 ? "http_5xx" : "up")
                    .update();
        }
        var properties = new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        java.util.Map.of("cardwatch.retention.batch", "100")))
                .bindOrCreate("cardwatch", cardwatch.monitor.system.CardwatchProperties.class);
        Retention retention = new Retention(db, new org.springframework.jdbc.datasource.DataSourceTransactionManager(
                own), java.time.Clock.systemUTC(), properties,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        while (retention.rollUp(now) > 0) {
            // a week of hours a pass
        }
        assertThat(db.sql("select sum(successes + failures) from run_hourly").query(Long.class).single())
                .isEqualTo(120);
        // storefront checks: raw kept 6 hours, their hours 35 days (cardwatch.retention.raw-checks, hourly-checks)
        java.time.Instant raw = now.minus(Duration.ofHours(6)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        java.time.Instant hours = now.minus(Duration.ofDays(35)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        long expected = db.sql("select count(*) from probe_run where ended_at < ?")
                .param(raw.atOffset(java.time.ZoneOffset.UTC)).query(Long.class).single()
                + db.sql("select count(*) from run_hourly where hour_start < ?")
                .param(hours.atOffset(java.time.ZoneOffset.UTC)).query(Long.class).single();
        // what a start and the Now page's timeline read of the checks, before and after their raw rows go
        java.time.ZoneId china = java.time.ZoneId.of("Asia/Shanghai");
        java.time.LocalDate first = java.time.LocalDate.ofInstant(now, china).minusDays(60);
        cardwatch.monitor.site.RunDaily daily = new cardwatch.monitor.site.RunDaily(own);
        daily.rebuild(first, china, now);
        var days = daily.since(first);
        var live = daily.live();
        java.time.Instant dayAgo = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(24));
        RunRepository runs = new RunRepository(own);
        var timeline = RetentionTest.timeline(runs.hourly("p", dayAgo, 1000));
        assertThat(timeline.get("availability")).hasSize(3);
        long deleted = retention.prune(now);
        assertThat(deleted).isEqualTo(expected).isGreaterThan(0);
        cardwatch.monitor.site.RunDaily restarted = new cardwatch.monitor.site.RunDaily(own);
        restarted.rebuild(first, china, now);
        assertThat(restarted.since(first)).containsExactlyInAnyOrderElementsOf(days);
        assertThat(restarted.live()).isNotEmpty().containsExactlyInAnyOrderElementsOf(live);
        assertThat(RetentionTest.timeline(runs.hourly("p", dayAgo, 1000))).isEqualTo(timeline);
        assertThat(db.sql("select count(*) from probe_run where ended_at < ?")
                .param(raw.atOffset(java.time.ZoneOffset.UTC)).query(Long.class).single()).isZero();
        assertThat(db.sql("select count(*) from run_hourly where hour_start < ?")
                .param(hours.atOffset(java.time.ZoneOffset.UTC)).query(Long.class).single()).isZero();
        assertThat(retention.prune(now)).isZero();
    }

    /**
     * The alert delivery round takes each channel's lease every second: on PostgreSQL a statement that fails (a
     * duplicate key) is an error in the server's log and a rolled-back transaction, so the lease makes its row once.
     */
    @Test
    void takingAChannelsLeaseEverySecondRollsNothingBack() throws InterruptedException {
        cardwatch.monitor.hooks.HookOutbox outbox = new cardwatch.monitor.hooks.HookOutbox(jdbc);
        java.time.Instant now = java.time.Instant.now();
        assertThat(outbox.lease("pg-lease-test", "me", now, now.plusSeconds(60))).isTrue();
        Thread.sleep(1_500); // PostgreSQL 14 sends a backend's counts at most every 0.5 s
        long before = rollbacks();
        for (int i = 0; i < 20; i++) {
            assertThat(outbox.lease("pg-lease-test", "me", now, now.plusSeconds(60))).isTrue();
        }
        Thread.sleep(1_500);
        assertThat(rollbacks() - before).as("20 leases of a channel whose row is there").isLessThan(10);
        jdbc.sql("delete from hook_channel where channel = 'pg-lease-test'").update();
    }

    private long rollbacks() {
        return jdbc.sql("select xact_rollback from pg_stat_database where datname = current_database()")
                .query(Long.class).single();
    }
}
