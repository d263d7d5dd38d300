package cardwatch.monitor.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.purchase.ServiceProcess;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The compose stack probes what it ships: the simulator started with the command and environment the compose file
 * gives its container, and the monitor with the platforms and secrets files the compose file mounts into its own,
 * the host name {@code simulator} read as this host. Every platform of the file, one per protocol, is bought from
 * once and ends as its simulated profile says; the simulator's ground truth, where Prometheus scrapes it, counts the
 * orders.
 */
class ComposeStackIT {

    private static final Path COMPOSE = ComposeIT.COMPOSE;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * What each platform of compose/platforms.yml is, and how its purchase ends; the hard-down one's storefront check
     * instead, as a purchase whose submit got a 503 is followed up to its confirm deadline (10 minutes): the order
     * may have been placed.
     */
    private static final Map<String, String> EXPECTED = Map.of(
            "steady", "yrapi success",
            "slowpoke", "yrapi success",
            "gone", "yrapi failure",
            "direct-line", "sup success",
            "dimension", "acg-faka success",
            "unicorn", "dujiaoka success",
            "generic-guest", "generic success");

    /** Where the stack's Prometheus scrapes the simulator: its job's one target and path. */
    private static String simulatorScrape() throws IOException {
        for (JsonNode job : YAMLMapper.builder().build().readTree(COMPOSE.resolve("prometheus.yml").toFile())
                .path("scrape_configs")) {
            if (job.path("job_name").asString().equals("simulator")) {
                JsonNode targets = job.path("static_configs").get(0).path("targets");
                assertThat(targets.size()).isEqualTo(1);
                return "http://" + targets.get(0).asString() + job.path("metrics_path").asString();
            }
        }
        throw new AssertionError("prometheus.yml has no simulator job");
    }

    private static String probe(String id) {
        return id.equals("gone") ? "availability" : "purchase";
    }

    @Test
    void theStacksMonitorBuysFromEveryPlatformOfTheSimulatorContainer(@TempDir Path work) throws Exception {
        JsonNode services = YAMLMapper.builder().build().readTree(COMPOSE.resolve("docker-compose.yml").toFile())
                .path("services");
        JsonNode monitor = services.path("monitor");
        Map<String, String> mounts = new LinkedHashMap<>();
        monitor.path("volumes").forEach(v -> {
            String[] parts = v.asString().split(":");
            mounts.put(parts[1], parts[0]);
        });
        Path platforms = COMPOSE.resolve(mounts.get(monitor.path("environment").path("CARDWATCH_PLATFORMS_FILE")
                .asString())).normalize();
        Path secrets = COMPOSE.resolve(mounts.get(monitor.path("environment").path("CARDWATCH_SECRETS_FILE")
                .asString())).normalize();
        assertThat(monitor.path("environment").path("CARDWATCH_CALLBACK_BASE_URL").asString())
                .isEqualTo("http://monitor:8080");

        List<String> command = new ArrayList<>();
        services.path("simulator").path("command").forEach(a -> command.add(a.asString()));
        assertThat(command).contains("--public-host", "simulator");
        command.set(command.indexOf("--public-host") + 1, "127.0.0.1");
        command.set(command.indexOf("--bind") + 1, "127.0.0.1");
        Map<String, String> simulatorMounts = new LinkedHashMap<>();
        services.path("simulator").path("volumes").forEach(v -> {
            String[] parts = v.asString().split(":");
            simulatorMounts.put(parts[1], parts[0]);
        });
        String keys = command.get(command.indexOf("--keys") + 1);
        assertThat(COMPOSE.resolve(simulatorMounts.get(keys)).normalize()).as("one keys file for both").isEqualTo(secrets);
        command.set(command.indexOf("--keys") + 1, secrets.toString());
        List<String> simulator = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "cardwatch.simulator.SimulatorMain"));
        simulator.addAll(command);
        Process sim = new ProcessBuilder(simulator).redirectErrorStream(true)
                .redirectOutput(work.resolve("simulator.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    Files.readString(work.resolve("simulator.log")).contains("store    generic-shop"));
            Files.writeString(work.resolve("platforms.yml"), Files.readString(platforms)
                    .replace("http://simulator:", "http://127.0.0.1:"));
            List<String> arguments = new ArrayList<>(List.of(
                    "--cardwatch.platforms-file=" + work.resolve("platforms.yml"),
                    "--cardwatch.secrets-file=" + secrets,
                    "--server.port=0",
                    "--cardwatch.budget.daily-global=" + services.path("monitor").path("environment")
                            .path("CARDWATCH_BUDGET_DAILY_GLOBAL").asString()));
            TestTokens.settings().forEach(setting -> arguments.add("--" + setting));
            try (ServiceProcess service = new ServiceProcess(work, Path.of("target", "compose-stack", "monitor.log"),
                    arguments)) {
                ServiceClient admin = new ServiceClient(service.port()).withToken(TestTokens.ADMIN);
                JsonNode configured = JSON.readTree(admin.get("/api/admin/v1/platforms").body()).path("platforms");
                Set<String> ids = new TreeSet<>();
                Set<String> protocols = new TreeSet<>();
                configured.forEach(p -> {
                    ids.add(p.path("id").asString());
                    protocols.add(p.path("protocol").asString());
                });
                assertThat(ids).isEqualTo(EXPECTED.keySet());
                assertThat(protocols).as("each protocol").containsExactlyInAnyOrder("yrapi", "sup", "acg-faka",
                        "dujiaoka", "generic");
                for (String id : ids) {
                    HttpResponse<String> started = admin.send("POST", "/api/admin/v1/platforms/" + id + "/runs",
                            "{\"probe\":\"" + probe(id) + "\"}");
                    assertThat(started.statusCode()).as(id + ": " + started.body()).isEqualTo(202);
                }
                Map<String, String> ended = new LinkedHashMap<>();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    ended.clear();
                    for (String id : ids) {
                        for (JsonNode run : JSON.readTree(admin.get("/api/admin/v1/platforms/" + id
                                + "/runs?probe=" + probe(id) + "&limit=5").body())) {
                            if (run.path("status").asString().equals("done")) {
                                ended.put(id, run.path("outcome").asString() + " " + run.path("reason").asString());
                            }
                        }
                    }
                    return ended.size() == ids.size();
                });
                for (JsonNode p : configured) {
                    String id = p.path("id").asString();
                    String[] expected = EXPECTED.get(id).split(" ");
                    assertThat(p.path("protocol").asString()).as(id).isEqualTo(expected[0]);
                    assertThat(ended.get(id)).as(id).startsWith(expected[1] + " ");
                }
                // where the stack's Prometheus scrapes the simulator: its ground truth counts each store's order
                String truth = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        simulatorScrape().replace("http://simulator:", "http://127.0.0.1:"))).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String store : List.of("acg-shop", "dujiao-shop", "generic-shop", "reliable", "reliable-sup")) {
                    assertThat(truth).as(store).contains("platform=\"" + store + "\"");
                }
            }
            // the stack's budgets fit its schedules and one another: BudgetSizing found nothing to warn of; and a
            // checkout, which pays nothing, has no balance of ours to be read
            assertThat(Files.readString(Path.of("target", "compose-stack", "monitor.log")))
                    .contains("Started CardwatchApplication").doesNotContain("more purchases a day than",
                            "add up to", "balance not read");
        } finally {
            sim.destroy();
            sim.waitFor();
        }
    }
}
