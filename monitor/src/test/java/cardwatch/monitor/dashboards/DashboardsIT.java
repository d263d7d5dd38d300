package cardwatch.monitor.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.support.LocalBinary;
import cardwatch.monitor.system.SharedDemoService;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboards, without Grafana: a real Prometheus (Debian package prometheus) scrapes the running demo
 * with the project's recording and alerting rules, and every query of every panel, template variables filled in,
 * must run without error and return series.
 */
class DashboardsIT extends SharedDemoService {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static LocalBinary prometheus;

    record Query(String dashboard, String panel, String expr) {
    }

    static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    static List<Query> queries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(file.getFileName().toString(), panel.path("title").asString(),
                            target.path("expr").asString()));
                }
            }
        }
        return queries;
    }

    @Test
    void everyDashboardFollowsTheHouseRules() throws IOException {
        assertThat(dashboards()).extracting(p -> p.getFileName().toString())
                .containsExactly("monitor-health.json", "overview.json", "platform-detail.json");
        for (Path file : dashboards()) {
            JsonNode d = JSON.readTree(file.toFile());
            String name = file.getFileName().toString();
            assertThat(d.path("id").isNull()).as(name + " id").isTrue();
            assertThat(d.path("uid").asString()).as(name).startsWith("cardwatch-");
            assertThat(d.path("title").asString()).as(name).startsWith("Cardwatch / ");
            assertThat(d.path("tags").valueStream().map(JsonNode::asString)).as(name).contains("cardwatch");
            assertThat(d.path("templating").path("list").get(0).path("type").asString()).isEqualTo("datasource");
            for (JsonNode panel : d.path("panels")) {
                String title = name + " / " + panel.path("title").asString();
                assertThat(panel.path("datasource").path("uid").asString()).as(title).isEqualTo("${datasource}");
                assertThat(panel.path("fieldConfig").path("defaults").path("unit").asString()).as(title + " unit")
                        .isNotBlank();
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asString();
                    assertThat(expr).as(title).doesNotContainPattern("rate\\([^\\]]*\\[\\d+[smh]\\]\\)");
                }
            }
        }
        assertThat(Files.readString(ROOT.resolve("dashboards/provisioning/dashboards.yaml")))
                .contains("allowUiUpdates: false");
        assertThat(Files.readString(ROOT.resolve("dashboards/provisioning/datasources.yaml")))
                .contains("uid: cardwatch-prometheus");
    }

    /** How many rule groups the shipped rule files declare. */
    static int ruleGroups() throws IOException {
        int groups = 0;
        try (Stream<Path> files = Files.list(ROOT.resolve("alerts/rules"))) {
            for (Path file : files.toList()) {
                groups += (int) Files.readString(file).lines().filter(l -> l.matches("\\s*- name: .*")).count();
            }
        }
        return groups;
    }

    /**
     * A Prometheus with the shipped rules, scraping the demo. The groups that run every minute or two run every 5 s
     * here, so that their rules have been evaluated (and their panels have data) within the test's minute.
     */
    static LocalBinary prometheus(int port) throws Exception {
        if (prometheus == null) {
            Path rules = Files.createTempDirectory("rules");
            try (Stream<Path> files = Files.list(ROOT.resolve("alerts/rules"))) {
                for (Path file : files.sorted().toList()) {
                    Files.writeString(rules.resolve(file.getFileName()), Files.readString(file)
                            .replaceAll("(?m)^(\\s+)interval: \\S+$", "$1interval: 5s"));
                }
            }
            try (Stream<Path> files = Files.list(rules)) {
                prometheus = LocalBinary.prometheus(files.sorted().toList(), 0,
                        "cardwatch /actuator/prometheus 127.0.0.1:" + port,
                        "simulator /demo/simulator-metrics 127.0.0.1:" + port);
            }
        }
        return prometheus;
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
            prometheus = null;
        }
    }

    private static JsonNode query(LocalBinary prometheus, String expr) throws Exception {
        String filled = expr.replace("$__rate_interval", "1m").replace("$__interval", "10s")
                .replace("$platform", "reliable").replace("$job", "cardwatch").replace("$instance", ".*");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                prometheus.baseUrl() + "/api/v1/query?query=" + URLEncoder.encode(filled, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    @Test
    void everyPanelQueryRunsOnARealPrometheusAndReturnsSeries() throws Exception {
        LocalBinary prometheus = prometheus(port);
        List<Query> queries = queries();
        assertThat(queries).hasSizeGreaterThan(25);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, String> failing = new LinkedHashMap<>();
            for (Query q : queries) {
                JsonNode answer = query(prometheus, q.expr());
                if (!"success".equals(answer.path("status").asString())) {
                    failing.put(q.dashboard() + " / " + q.panel(), "error: " + answer.path("error").asString());
                } else if (answer.path("data").path("result").isEmpty()) {
                    failing.put(q.dashboard() + " / " + q.panel(), "no series: " + q.expr());
                }
            }
            assertThat(failing).isEmpty();
        });
    }

    @Test
    void everyMetricTheServiceExportsIsOnADashboardOrInARule() throws Exception {
        StringBuilder used = new StringBuilder();
        for (Query q : queries()) {
            used.append(q.expr()).append('\n');
        }
        try (Stream<Path> files = Files.list(ROOT.resolve("alerts/rules"))) {
            for (Path file : files.toList()) {
                used.append(Files.readString(file));
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            java.util.regex.Matcher family = java.util.regex.Pattern.compile("(?m)^# TYPE (cardwatch_[a-z0-9_]+) ")
                    .matcher(metrics());
            List<String> unused = new ArrayList<>();
            int families = 0;
            while (family.find()) {
                families++;
                String name = family.group(1).replaceAll("_(total|bucket|count|sum|max)$", "");
                if (!used.toString().contains(name)) {
                    unused.add(family.group(1));
                }
            }
            assertThat(families).isGreaterThan(20);
            assertThat(unused).as("exported but on no dashboard and in no rule").isEmpty();
        });
    }

    @Test
    void theRulesLoadIntoPrometheusWithoutErrors() throws Exception {
        LocalBinary prometheus = prometheus(port);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    prometheus.baseUrl() + "/api/v1/rules")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode groups = JSON.readTree(response.body()).path("data").path("groups");
            assertThat(groups.size()).as("every group of every rule file").isEqualTo(ruleGroups());
            for (JsonNode group : groups) {
                for (JsonNode rule : group.path("rules")) {
                    assertThat(rule.path("health").asString()).as(rule.path("name").asString() + ": "
                            + rule.path("lastError").asString()).isEqualTo("ok");
                }
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(query(prometheus, "ALERTS{alertname=\"CardwatchWatchdog\"}").path("data").path("result"))
                        .as("the watchdog is pending or firing").isNotEmpty());
    }
}
