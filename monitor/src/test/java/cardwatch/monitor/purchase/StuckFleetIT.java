package cardwatch.monitor.purchase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.support.Fleet;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bulkheads, in the service as it runs: 50 platforms whose every order stays 充值中 buy every 2 s (each run
 * waits 20 s for its deadline), beside 500 healthy platforms checked every 10 s on ten hosts and 4 healthy
 * platforms that buy every 2 s. Waiting runs hold no thread and each kind has its own pool, so the healthy platforms run on
 * time, as many runs as planned, and the stuck ones end stuck at their own deadline.
 */
class StuckFleetIT {

    private static final String KEY = "stuck-fleet-key-31";
    private static final int STUCK = 50;
    private static final int HEALTHY = 500;
    private static final int BUYERS = 4;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void fiftyStuckPlatformsDelayNoneOfFiveHundredHealthyOnes(@TempDir Path work) throws Exception {
        WireMockServer page = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("0.0.0.0")
                .containerThreads(20));
        page.start();
        page.stubFor(get(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=utf-8").withBody("<html><body>在线 自动发货</body></html>")));
        List<SimulatedPlatform> buyers = new java.util.ArrayList<>();
        try (SimulatedPlatform stuck = SimulatedPlatform.start("stuck", Profiles.named("stuck").always(), KEY, 0, 1)) {
            for (int i = 0; i < BUYERS; i++) { // each its own account: a shared balance would read as others' charges
                buyers.add(SimulatedPlatform.start("reliable", Profiles.named("reliable")
                        .withDelivery(Duration.ofMillis(200), 0), KEY, 0, 2 + i));
            }
            Files.writeString(work.resolve("secrets.properties"), "key=" + KEY + "\n");
            Files.writeString(work.resolve("platforms.yml"), fleet(stuck, buyers, page.port()));
            List<String> arguments = List.of("--cardwatch.platforms-file=" + work.resolve("platforms.yml"),
                    "--cardwatch.secrets-file=" + work.resolve("secrets.properties"), "--server.port=0",
                    "--cardwatch.schedule.min-interval=1s", "--cardwatch.budget.daily-global=100000",
                    "--logging.level.cardwatch.monitor.run.RunRecorder=warn");
            try (ServiceProcess service = new ServiceProcess(work, Path.of("target", "stuck-fleet", "service.log"),
                    arguments)) {
                ServiceClient client = new ServiceClient(service.port());
                Thread.sleep(25_000); // every schedule has fired, and the first stuck runs are waiting out their deadline
                String before = client.get("/actuator/prometheus").body();
                Thread.sleep(30_000);
                String after = client.get("/actuator/prometheus").body();
                Files.writeString(Path.of("target", "stuck-fleet", "metrics.txt"), after);

                double healthyRuns = Fleet.sum(after, "cardwatch_probe_runs_total", "probe=\"availability\"")
                        - Fleet.sum(before, "cardwatch_probe_runs_total", "probe=\"availability\"");
                double planned = HEALTHY * 30.0 / 10;
                assertThat(healthyRuns).as("availability runs in 30 s, of %s planned", planned)
                        .isGreaterThanOrEqualTo(0.99 * planned);
                assertThat(Fleet.sum(after, "cardwatch_probe_runs_total",
                        "outcome=\"success\",platform=\"healthy-000\""))
                        .as("a healthy platform's runs all succeed")
                        .isEqualTo(Fleet.sum(after, "cardwatch_probe_runs_total", "platform=\"healthy-000\""));
                double onTime = Fleet.sum(after, "cardwatch_scheduler_lag_seconds_bucket", "le=\"1.0\"")
                        - Fleet.sum(before, "cardwatch_scheduler_lag_seconds_bucket", "le=\"1.0\"");
                double started = Fleet.sum(after, "cardwatch_scheduler_lag_seconds_count", "")
                        - Fleet.sum(before, "cardwatch_scheduler_lag_seconds_count", "");
                assertThat(onTime / started).as("runs started within 1 s of plan").isGreaterThanOrEqualTo(0.99);
                assertThat(Fleet.sum(after, "cardwatch_scheduler_skipped_total", "reason=\"queue_full\"")).isZero();

                double bought = Fleet.sum(after, "cardwatch_probe_runs_total", "outcome=\"success\",platform=\"buyer-")
                        - Fleet.sum(before, "cardwatch_probe_runs_total", "outcome=\"success\",platform=\"buyer-");
                assertThat(Fleet.sum(after, "cardwatch_probe_runs_total", "outcome=\"failure\",platform=\"buyer-"))
                        .as("healthy purchases never fail").isZero();
                assertThat(bought).as("healthy purchases in 30 s (each buys every 2 s)")
                        .isGreaterThanOrEqualTo(BUYERS * 30.0 / 2 * 0.9);

                await().atMost(Duration.ofSeconds(30)).until(() -> !stuckRuns(client, "stuck-07").isEmpty());
                JsonNode run = stuckRuns(client, "stuck-07").get(0);
                assertThat(run.path("reason").asString()).isEqualTo("stuck_processing");
                assertThat(run.path("phasesMs").path("confirm").asLong()).as(run.toString())
                        .isBetween(19_000L, 23_000L);
                assertThat(stuck.platform().submissions().values()).as("one order per run").containsOnly(1L);
            }
        } finally {
            buyers.forEach(SimulatedPlatform::close);
            page.stop();
        }
    }

    private static List<JsonNode> stuckRuns(ServiceClient client, String platform) {
        List<JsonNode> done = new java.util.ArrayList<>();
        JSON.readTree(client.get("/api/v1/platforms/" + platform + "/runs?limit=50").body()).forEach(r -> {
            if (r.path("status").asString().equals("done") && r.path("probe").asString().equals("purchase")) {
                done.add(r);
            }
        });
        return done;
    }

    private static String fleet(SimulatedPlatform stuck, List<SimulatedPlatform> buyers, int pagePort) {
        StringBuilder yaml = new StringBuilder("platforms:\n");
        for (int i = 0; i < STUCK; i++) {
            yaml.append(buyer("stuck-%02d".formatted(i), stuck.baseUrl()));
        }
        for (int i = 0; i < BUYERS; i++) {
            yaml.append(buyer("buyer-%02d".formatted(i), buyers.get(i).baseUrl()));
        }
        for (int i = 0; i < HEALTHY; i++) {
            yaml.append(Fleet.storefront("healthy-%03d".formatted(i),
                    "http://127.0.1.%d:%d/".formatted(i % 10 + 1, pagePort), "10s"));
        }
        return yaml.toString();
    }

    private static String buyer(String id, String baseUrl) {
        return Fleet.buyer(id, baseUrl, "2s", "{ notify: 10s, confirm: 20s, poll-initial: 1s, poll-max: 2s }");
    }
}
