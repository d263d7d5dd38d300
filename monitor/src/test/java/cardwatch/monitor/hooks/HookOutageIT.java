package cardwatch.monitor.hooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.purchase.ServiceProcess;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.TestTokens;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A flapping platform while the alert receivers are down, with a restart of the service in between; then the
 * receivers come back. A generic webhook and a PagerDuty-shaped receiver (Events API v2) must each end with every
 * incident as the monitor has it, each incident's events in the order they happened, nothing twice, nothing lost,
 * and the whole queue within 10 s of the first answered try.
 *
 * <p>The outage here lasts as long as three flaps take (a minute or two), not ten minutes: what matters is that the
 * queue outlasts a restart and the channel's backoff, which is capped at 8 s so the test need not wait out 30 min.
 * {@link HookOrderSimulationTest} runs the ten-minute outage in simulated time.
 */
class HookOutageIT {

    private static final String KEY = "hook-outage-key-20";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aFlappingPlatformsIncidentsReachBothReceiversInOrderOnceTheyAreBack(@TempDir Path work) throws Exception {
        int receiverPort = freePort();
        SimulatedPlatform sim = SimulatedPlatform.start("flappy", Profiles.named("reliable")
                .withDelivery(Duration.ofMillis(200), 0), KEY, 0, 20);
        int simPort = sim.port();
        // another host that answers, so that the platform's refused connections are its failure, not our network's
        WireMockServer reference = new WireMockServer(options().dynamicPort());
        reference.start();
        reference.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(aResponse().withStatus(200)));
        List<String> arguments = arguments(work, sim.baseUrl(), "http://127.0.0.1:" + receiverPort);
        arguments.add("--cardwatch.self-check.references=" + reference.baseUrl() + "/");
        Path logs = Path.of("target", "hook-outage");
        ServiceProcess service = new ServiceProcess(work, logs.resolve("first.log"), arguments);
        WireMockServer receiver = new WireMockServer(options().port(receiverPort));
        try {
            ServiceClient api = new ServiceClient(service.port());
            // failures count once the platform has been reached: a first purchase goes through
            service.await(": success", Duration.ofSeconds(30));
            awaitIncidents(api, 0, false);
            // flap 1: down until an incident opens, up until its resolve is announced
            sim.close();
            awaitIncidents(api, 1, false);
            sim = SimulatedPlatform.start("flappy", Profiles.named("reliable")
                    .withDelivery(Duration.ofMillis(200), 0), KEY, simPort, 21);
            awaitIncidents(api, 1, true);
            // flap 2 opens, then the service restarts with its messages still queued
            sim.close();
            awaitIncidents(api, 2, false);
            service.close();
            service = new ServiceProcess(work, logs.resolve("second.log"), arguments);
            api = new ServiceClient(service.port());
            sim = SimulatedPlatform.start("flappy", Profiles.named("reliable")
                    .withDelivery(Duration.ofMillis(200), 0), KEY, simPort, 22);
            awaitIncidents(api, 2, true);
            // flap 3 stays open
            sim.close();
            awaitIncidents(api, 3, false);
            assertThat(service.has("not delivered")).as("the receivers were down: tries failed").isTrue();

            receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
            receiver.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                    .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));
            long back = System.currentTimeMillis();
            receiver.start();
            List<JsonNode> incidents = incidents(api);
            int expected = incidents.stream().mapToInt(i -> over(i) ? 2 : 1).sum();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    bodies(receiver, "/hook").size() >= expected && bodies(receiver, "/v2/enqueue").size() >= expected);
            Thread.sleep(2000); // anything more would be a duplicate

            List<LoggedRequest> all = receiver.getAllServeEvents().stream().map(e -> e.getRequest())
                    .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
            long first = all.get(0).getLoggedDate().getTime();
            long last = all.get(all.size() - 1).getLoggedDate().getTime();
            assertThat(first - back).as("first try after the receivers came back (backoff capped at 8 s)")
                    .isLessThan(13_000);
            assertThat(last - first).as("the whole queue within 10 s of the first answered try")
                    .isLessThanOrEqualTo(10_000);

            // the webhook: each incident opened, then resolved if the monitor announced it; nothing twice
            List<JsonNode> hooks = bodies(receiver, "/hook");
            assertThat(hooks.stream().map(h -> h.path("dedup_key").asString()).toList()).doesNotHaveDuplicates()
                    .hasSize(expected);
            Map<Long, List<String>> told = new LinkedHashMap<>();
            hooks.forEach(h -> told.computeIfAbsent(h.path("incident_id").asLong(), k -> new ArrayList<>())
                    .add(h.path("event").asString()));
            Map<Long, List<String>> pagerDuty = new LinkedHashMap<>();
            bodies(receiver, "/v2/enqueue").forEach(e -> pagerDuty.computeIfAbsent(Long.parseLong(
                    e.path("dedup_key").asString().replace("cardwatch-incident-", "")), k -> new ArrayList<>())
                    .add(e.path("event_action").asString()));
            assertThat(incidents).hasSize(3);
            for (JsonNode incident : incidents) {
                long id = incident.path("id").asLong();
                boolean over = over(incident);
                assertThat(told.get(id)).as("incident " + id + " at the webhook, in order")
                        .containsExactlyElementsOf(over ? List.of("opened", "resolved") : List.of("opened"));
                assertThat(pagerDuty.get(id)).as("incident " + id + " at PagerDuty: never a trigger after its resolve")
                        .containsExactlyElementsOf(over ? List.of("trigger", "resolve") : List.of("trigger"));
            }
            assertThat(hooks.get(0).path("text").asString()).as("plain words, the code in its own field")
                    .contains("原因：无法连接").doesNotContain("connect_failed");
            assertThat(hooks.get(0).path("cause").asString()).isEqualTo("connect_failed");
        } finally {
            reference.stop();
            receiver.stop();
            service.close();
            sim.close();
        }
    }

    /** Waits for {@code count} purchase incidents, the last one open, or resolved and announced. */
    private static void awaitIncidents(ServiceClient api, int count, boolean lastOver) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            List<JsonNode> all = incidents(api);
            assertThat(all.size() == count && (count == 0 || over(all.get(0)) == lastOver))
                    .as("%d incidents, the last %s: %s", count, lastOver ? "announced resolved" : "open", all).isTrue();
        });
    }

    /** Resolved, and the resolve announced (an incident's resolve waits until the platform stays well). */
    private static boolean over(JsonNode incident) {
        return "resolved".equals(incident.path("state").asString()) && incident.path("resolveAnnounced").asBoolean();
    }

    /** The purchase incidents, newest first. */
    private static List<JsonNode> incidents(ServiceClient api) {
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(api.get("/api/v1/incidents?platform=flappy").body()).path("items").forEach(i -> {
            if ("purchase".equals(i.path("probe").asString())) {
                items.add(i);
            }
        });
        return items;
    }

    private static List<JsonNode> bodies(WireMockServer receiver, String path) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> JSON.readTree(r.getBodyAsString())).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> arguments(Path work, String simUrl, String receiver) throws IOException {
        Files.writeString(work.resolve("secrets.properties"), "flappy-key=" + KEY + "\n");
        Files.writeString(work.resolve("platforms.yml"), """
                platforms:
                  - id: flappy
                    names: { zh: 忽好忽坏卡盟, en: Flappy Cards }
                    base-url: %s
                    protocol: yrapi
                    merchant-id: "10001"
                    credentials: { api-key: "file:flappy-key" }
                    product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    schedule: { purchase: { every: 1s } }
                    deadlines: { notify: 1s, confirm: 3s, poll-initial: 200ms, poll-max: 400ms }
                    critical: true   # its incidents page: PagerDuty gets only critical ones
                """.formatted(simUrl));
        List<String> arguments = new ArrayList<>(List.of(
                "--cardwatch.platforms-file=" + work.resolve("platforms.yml"),
                "--cardwatch.secrets-file=" + work.resolve("secrets.properties"),
                "--server.port=0",
                "--cardwatch.schedule.min-interval=1s",
                "--cardwatch.incidents.continue-within=2",
                "--cardwatch.incidents.resolve-evidence=2",
                "--cardwatch.budget.daily-global=1000.00",
                "--cardwatch.budget.daily-per-platform=1000.00",
                "--cardwatch.hooks.webhook-url=" + receiver + "/hook",
                "--cardwatch.hooks.pagerduty-url=" + receiver + "/v2/enqueue",
                "--cardwatch.hooks.pagerduty-routing-key=R0UTING20",
                "--cardwatch.hooks.first-retry=1s",
                "--cardwatch.hooks.max-retry-delay=8s",
                "--cardwatch.hooks.timeout=2s"));
        TestTokens.settings().forEach(setting -> arguments.add("--" + setting));
        return arguments;
    }
}
