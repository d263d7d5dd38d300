package cardwatch.monitor.scheduling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.purchase.ServiceProcess;
import cardwatch.monitor.support.Fleet;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.TestTokens;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Two instances under the cluster profile on one embedded PostgreSQL share Quartz's clustered job store: each
 * storefront check fires on one of them, both do work, and when one is killed with SIGKILL the other carries on
 * with at most one missed interval per platform; restarted, the killed one rejoins.
 */
class ClusterIT {

    private static final int PLATFORMS = 30;
    private static final int EVERY_SECONDS = 15;
    private static final int BUYERS = 4;
    private static final String KEY = "cluster-test-key";
    private static final String PAUSED = "shop-07";
    private static final String FROM_API = "added-by-api";
    private static final String FROM_FILE = "added-to-file";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    @Test
    void eachCheckFiresOnceAcrossInstancesAndTheSurvivorCarriesOnWhenOneIsKilled(@TempDir Path work)
            throws Exception {
        WireMockServer page = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        page.start();
        page.stubFor(get(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=utf-8").withBody("<html><body>在线 自动发货</body></html>")));
        List<SimulatedPlatform> buyers = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            for (int i = 0; i < BUYERS; i++) { // each its own account: a shared balance would read as others' charges
                buyers.add(SimulatedPlatform.start("reliable", Profiles.named("reliable")
                        .withDelivery(Duration.ofSeconds(8), 0), KEY, 0, 100 + i));
            }
            Files.writeString(work.resolve("platforms.yml"), fleet(page.port(), buyers));
            Files.writeString(work.resolve("secrets.properties"), "key=" + KEY + "\n");
            String url = postgres.getJdbcUrl("postgres", "postgres");
            JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
            List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=cluster",
                    "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
                    "--spring.datasource.password=postgres",
                    "--cardwatch.platforms-file=" + work.resolve("platforms.yml"),
                    "--cardwatch.secrets-file=" + work.resolve("secrets.properties"), "--server.port=0",
                    "--cardwatch.schedule.min-interval=1s", "--cardwatch.budget.daily-global=100000",
                    "--cardwatch.cluster.lease=6s", "--cardwatch.reconcile.every=2s"));
            TestTokens.settings().forEach(setting -> arguments.add("--" + setting));
            // every platform notifies the first instance, as it would a load balancer: the others' runs get their
            // notifies through the database
            int firstPort;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                firstPort = socket.getLocalPort();
            }
            arguments.add("--cardwatch.callback-base-url=http://localhost:" + firstPort);
            List<String> firstArguments = new ArrayList<>(arguments);
            firstArguments.set(firstArguments.indexOf("--server.port=0"), "--server.port=" + firstPort);
            Path logs = Path.of("target", "cluster");
            Instant start;
            Instant killed;
            try (ServiceProcess first = new ServiceProcess(work, logs.resolve("first.log"), firstArguments);
                    ServiceProcess second = new ServiceProcess(work, logs.resolve("second.log"), arguments);
                    ServiceProcess third = new ServiceProcess(work, logs.resolve("third.log"), arguments)) {
                List<ServiceProcess> processes = List.of(first, second, third);
                List<ServiceClient> clients = new ArrayList<>();
                for (ServiceProcess process : processes) {
                    clients.add(new ServiceClient(process.port()));
                }
                ServiceClient one = clients.get(0);
                ServiceClient two = clients.get(1);
                ServiceClient three = clients.get(2);
                start = Instant.now();
                Thread.sleep(2L * EVERY_SECONDS * 1000 + 2000);
                for (ServiceClient client : clients) {
                    assertThat(checks(client)).as("every instance ran checks").isPositive();
                }
                assertThat(jdbc.sql("select count(*) from qrtz_scheduler_state").query(Long.class).single())
                        .as("the instances checked in to one clustered job store").isEqualTo(3);
                // each check ran on one instance: together they ran as many as there are rows (a second's worth
                // may still be in a writer's batch); were each running all, they would have run three times as many
                long rows = jdbc.sql("select count(*) from probe_run where probe = 'availability'")
                        .query(Long.class).single();
                assertThat(checks(one) + checks(two) + checks(three)).as("checks run by all, against %s rows", rows)
                        .isBetween(rows - 1.0, rows + (double) PLATFORMS);
                assertThat(fires(jdbc, start, Instant.now().minusSeconds(2)).values())
                        .as("each platform's checks, once per interval, none twice (three instances, one store)")
                        .allSatisfy(fires -> assertThat(fires).hasSizeBetween(2, 3).doesNotHaveDuplicates());

                // an operator's pause through one instance reaches the others without a restart, and so does the resume
                assertThat(one.withToken(TestTokens.ADMIN).send("POST", "/api/admin/v1/platforms/" + PAUSED + "/pause",
                        null).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> two
                        .get("/actuator/prometheus").body().contains("cardwatch_platform_paused{platform=\"" + PAUSED
                                + "\"} 1"));
                assertThat(two.withToken(TestTokens.ADMIN).send("POST", "/api/admin/v1/platforms/" + PAUSED
                        + "/resume", null).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> !one
                        .get("/actuator/prometheus").body().contains("cardwatch_platform_paused{platform="));
                assertThat(JSON.readTree(three.withToken(TestTokens.READ).get("/api/admin/v1/audit?platform=" + PAUSED)
                        .body()).valueStream().map(e -> e.path("action").asString() + " by "
                        + e.path("actor").asString()).toList())
                        .as("one audit, whichever instance took the change")
                        .containsExactly("resume by it-admin", "pause by it-admin");

                // a platform added through one instance is run and listed by all; one added to the file and re-read
                // through another reaches all; the first, deleted through the third, leaves all
                String added = Fleet.storefront(FROM_API, "http://127.0.0.1:%d/".formatted(page.port()),
                        EVERY_SECONDS + "s").replaceFirst("^  - ", "").replace("\n    ", "\n");
                HttpResponse<String> created = one.withToken(TestTokens.ADMIN).sendYaml("POST",
                        "/api/admin/v1/platforms", added);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                Files.writeString(work.resolve("platforms.yml"), Fleet.storefront(FROM_FILE,
                        "http://127.0.0.1:%d/".formatted(page.port()), EVERY_SECONDS + "s"),
                        java.nio.file.StandardOpenOption.APPEND);
                HttpResponse<String> reread = two.withToken(TestTokens.ADMIN).send("POST",
                        "/api/admin/v1/platforms/reread", null);
                assertThat(reread.statusCode()).as(reread.body()).isEqualTo(200);
                assertThat(JSON.readTree(reread.body()).path("added").valueStream().map(JsonNode::asString))
                        .containsExactly(FROM_FILE);
                for (ServiceClient client : clients) {
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                            .until(() -> listed(client).containsAll(List.of(FROM_API, FROM_FILE)));
                }
                await().atMost(Duration.ofSeconds(2L * EVERY_SECONDS)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> jdbc.sql("select count(distinct platform_id) from probe_run where platform_id in "
                                + "(?, ?) and ended_at is not null").params(FROM_API, FROM_FILE).query(Long.class)
                                .single() == 2);
                assertThat(three.withToken(TestTokens.ADMIN).send("DELETE", "/api/admin/v1/platforms/" + FROM_API,
                        null).statusCode()).isEqualTo(204);
                for (ServiceClient client : clients) {
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                            .until(() -> !listed(client).contains(FROM_API) && !client.get("/actuator/prometheus")
                                    .body().contains("platform=\"" + FROM_API + "\""));
                }
                assertThat(JSON.readTree(one.withToken(TestTokens.READ).get("/api/admin/v1/audit?limit=3").body())
                        .valueStream().map(e -> e.path("action").asString()).toList())
                        .containsExactly("delete", "reread", "create");

                List<Map<String, Object>> notifiedElsewhere = jdbc.sql("select id, owner, flags from probe_run "
                        + "where probe = 'purchase' and platform_id like 'buyer-%' and outcome = 'success' "
                        + "and owner <> ?").param(node(first)).query().listOfRows();
                assertThat(notifiedElsewhere).as("purchases of the second and third instances, notified through the "
                        + "first").isNotEmpty().allSatisfy(run -> assertThat((String) run.get("flags"))
                        .as("run %s: its notify reached it", run.get("id")).doesNotContain("notify_missing"));

                // stall the instance that holds a purchase in flight (SIGSTOP) past its lease: another takes the run
                // over; woken (SIGCONT), the stalled one finds it taken and lets go of it, acting on it no more
                int stalledIndex = index(processes, ownerOfAFreshPurchase(jdbc));
                ServiceProcess stalled = processes.get(stalledIndex);
                long takeovers = processes.stream().mapToLong(p -> p.count("took over")).sum();
                stalled.signal("STOP");
                try {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                            processes.stream().mapToLong(p -> p.count("took over")).sum() > takeovers);
                } finally {
                    stalled.signal("CONT");
                }
                stalled.await("taken over by another instance", Duration.ofSeconds(15));

                // kill the instance that holds a purchase in flight (its lease renewed, so surely its own) with seconds
                // of its 8 s delivery still to go
                AtomicReference<String> owner = new AtomicReference<>(ownerOfAFreshPurchase(jdbc));
                int victimIndex = index(processes, owner.get());
                ServiceProcess victim = processes.get(victimIndex);
                List<ServiceClient> survivors = new ArrayList<>(clients);
                survivors.remove(victimIndex);
                List<ServiceProcess> survivorProcesses = new ArrayList<>(processes);
                survivorProcesses.remove(victimIndex);
                long takenBeforeKill = survivorProcesses.stream().mapToLong(p -> p.count("took over")).sum();
                victim.kill();
                killed = Instant.now();
                List<Long> orphaned = jdbc.sql("select id from probe_run where probe = 'purchase' and ended_at is null "
                        + "and owner = ? and platform_id like 'buyer-%'").param(owner.get()).query(Long.class).list();
                assertThat(orphaned).as("purchases the killed instance held").isNotEmpty();
                Thread.sleep(2L * EVERY_SECONDS * 1000);
                double before = survivors.stream().mapToDouble(ClusterIT::checks).sum();
                Thread.sleep(5000); // 30 checks on 15 one-second slots: any 2 s may hold none, 5 s hardly
                assertThat(survivors.stream().mapToDouble(ClusterIT::checks).sum()).as("the survivors run every "
                        + "check now").isGreaterThan(before);
                // once the killed one's leases ran out, one survivor or the other took its runs over
                await().atMost(Duration.ofSeconds(5)).until(() -> survivorProcesses.stream()
                        .mapToLong(p -> p.count("took over")).sum() > takenBeforeKill);
                // each buyer's ends within its deadlines (confirm: 30 s) from when it was taken over (the shops buy
                // too, by the default schedule, from a page that is no shop: theirs wait out a 10-minute deadline)
                OffsetDateTime kill = OffsetDateTime.ofInstant(killed, java.time.ZoneOffset.UTC);
                await().atMost(Duration.ofSeconds(50)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(jdbc.sql("select id, platform_id, owner, status, evidence from probe_run "
                                + "where probe = 'purchase' and ended_at is null and actual_start < ? "
                                + "and platform_id like 'buyer-%'").param(kill)
                                .query().listOfRows()).as("purchases in flight at the kill, not ended").isEmpty());
                assertThat(jdbc.sql("select count(*) from probe_run where probe = 'purchase' and actual_start < ? "
                        + "and outcome = 'success' and platform_id like 'buyer-%'").param(kill).query(Long.class)
                        .single()).isPositive();
                List<String> survivorNodes = new ArrayList<>();
                for (ServiceProcess process : survivorProcesses) {
                    survivorNodes.add(node(process));
                }
                for (long id : orphaned) {
                    assertThat(jdbc.sql("select owner from probe_run where id = ? and ended_at is not null").param(id)
                            .query(String.class).optional()).as("run %d, the killed instance's: ended by another", id)
                            .hasValueSatisfying(by -> assertThat(survivorNodes).contains(by));
                }

                try (ServiceProcess again = new ServiceProcess(work, logs.resolve("again.log"), arguments)) {
                    ServiceClient rejoined = new ServiceClient(again.port());
                    await().atMost(Duration.ofSeconds(3L * EVERY_SECONDS)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> checks(rejoined) > 0);
                    assertThat(listed(rejoined)).as("it starts with the re-read file's platforms").contains(FROM_FILE)
                            .doesNotContain(FROM_API);
                }
            }
            for (SimulatedPlatform buyer : buyers) {
                assertThat(buyer.platform().submissions()).as("orders at %s", buyer.baseUrl()).isNotEmpty()
                        .allSatisfy((order, times) -> assertThat(times).as(order + " submitted").isEqualTo(1L));
            }
            for (int i = 0; i < BUYERS; i++) {
                BigDecimal net = jdbc.sql("select coalesce(sum(case when kind = 'charge' then amount else -amount end),"
                        + " 0) from ledger_entry where platform_id = ?").param("buyer-" + i).query(BigDecimal.class)
                        .single();
                assertThat(net).as("buyer-%d: the ledger against the simulator's balance, to the cent", i)
                        .isEqualByComparingTo(SimulatedPlatform.OPENING_BALANCE.subtract(buyers.get(i).platform()
                                .balance()));
            }
            Map<String, List<Instant>> fires = fires(jdbc, start, killed.plusSeconds(2L * EVERY_SECONDS));
            fires.remove(FROM_API); // added and removed on purpose
            fires.remove(FROM_FILE);
            assertThat(fires).hasSize(PLATFORMS);
            fires.remove(PAUSED); // paused for a few seconds on purpose
            fires.forEach((platform, times) -> {
                for (int i = 1; i < times.size(); i++) {
                    assertThat(Duration.between(times.get(i - 1), times.get(i)).toSeconds())
                            .as("%s: at most one interval missed across the kill: %s", platform, times)
                            .isLessThanOrEqualTo(2L * EVERY_SECONDS);
                }
                assertThat(times).doesNotHaveDuplicates();
            });
        } finally {
            buyers.forEach(SimulatedPlatform::close);
            page.stop();
        }
    }


    /** The instance whose name is {@code node}. */
    private static int index(List<ServiceProcess> processes, String node) throws InterruptedException {
        for (int i = 0; i < processes.size(); i++) {
            if (node.equals(node(processes.get(i)))) {
                return i;
            }
        }
        throw new AssertionError("the owner " + node + " is none of the instances");
    }

    /** The owner of a buyer's purchase begun in the last 4 s (its lease renewed, so surely its own). */
    private static String ownerOfAFreshPurchase(JdbcClient jdbc) {
        AtomicReference<String> owner = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            owner.set(jdbc.sql("select max(owner) from probe_run where probe = 'purchase' and ended_at is null "
                    + "and owner is not null and platform_id like 'buyer-%' and actual_start > ?")
                    .param(OffsetDateTime.ofInstant(Instant.now().minusSeconds(4), java.time.ZoneOffset.UTC))
                    .query(String.class).optional().orElse(null));
            return owner.get() != null;
        });
        return owner.get();
    }

    /** The ids of the platforms the instance runs, from its admin API. */
    private static List<String> listed(ServiceClient client) {
        return JSON.readTree(client.withToken(TestTokens.READ).get("/api/admin/v1/platforms").body()).path("platforms")
                .valueStream().map(p -> p.path("id").asString()).toList();
    }

    /** The instance's name in the runs it owns, from its start report. */
    private static String node(ServiceProcess process) throws InterruptedException {
        String line = process.await("  instance  ", Duration.ofSeconds(5));
        return line.substring(line.indexOf("instance") + "instance".length()).strip();
    }

    /** Each platform's storefront check fire times in [from, to), from the shared database. */
    private static Map<String, List<Instant>> fires(JdbcClient jdbc, Instant from, Instant to) {
        return jdbc.sql("select platform_id, scheduled_fire from probe_run where probe = 'availability' "
                        + "and scheduled_fire >= ? and scheduled_fire < ? order by scheduled_fire")
                .params(OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .list().stream().collect(Collectors.groupingBy(Map.Entry::getKey, TreeMap::new,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    /** The storefront checks this instance ran since its start. */
    private static double checks(ServiceClient client) {
        return Fleet.sum(client.get("/actuator/prometheus").body(), "cardwatch_probe_runs_total",
                "probe=\"availability\"");
    }

    private static String fleet(int port, List<SimulatedPlatform> buyers) {
        StringBuilder yaml = new StringBuilder("platforms:\n");
        for (int i = 0; i < buyers.size(); i++) {
            yaml.append(Fleet.buyer("buyer-" + i, buyers.get(i).baseUrl(), "10s",
                    "{ notify: 12s, confirm: 30s, poll-initial: 1s, poll-max: 2s }"));
        }
        for (int i = 0; i < PLATFORMS; i++) {
            yaml.append(Fleet.storefront("shop-%02d".formatted(i), "http://127.0.0.1:%d/".formatted(port),
                    EVERY_SECONDS + "s"));
        }
        return yaml.toString();
    }
}
