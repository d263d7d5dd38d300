package cardwatch.monitor.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.support.LocalBinary;
import cardwatch.monitor.system.SharedDemoService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shipped Prometheus rules and Alertmanager configuration, checked by the real promtool and amtool (Debian
 * packages prometheus and prometheus-alertmanager), and against the metrics the running service really exports.
 */
class AlertRulesIT extends SharedDemoService {

    static final Path ALERTS = Path.of("..", "alerts").toAbsolutePath().normalize();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    static LocalBinary.Result run(String... command) throws IOException, InterruptedException {
        return LocalBinary.run(ALERTS, command);
    }

    static List<Path> files(String dir) throws IOException {
        try (Stream<Path> files = Files.list(ALERTS.resolve(dir))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Every alerting rule in rules/, by name. */
    static Map<String, JsonNode> alerts() throws IOException {
        Map<String, JsonNode> alerts = new HashMap<>();
        for (Path file : files("rules")) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("alert")) {
                        alerts.put(rule.path("alert").asString(), rule);
                    }
                }
            }
        }
        return alerts;
    }

    @Test
    void promtoolAcceptsTheRulesAndEveryUnitTestPasses() throws Exception {
        List<String> check = new ArrayList<>(List.of("/usr/bin/promtool", "check", "rules"));
        files("rules").forEach(f -> check.add(ALERTS.relativize(f).toString()));
        LocalBinary.Result checked = run(check.toArray(String[]::new));
        assertThat(checked.exit()).as(checked.output()).isZero();

        List<String> test = new ArrayList<>(List.of("/usr/bin/promtool", "test", "rules"));
        files("tests").forEach(f -> test.add(ALERTS.relativize(f).toString()));
        LocalBinary.Result tested = run(test.toArray(String[]::new));
        assertThat(tested.exit()).as(tested.output()).isZero();
        assertThat(tested.output().split("SUCCESS", -1)).hasSize(files("tests").size() + 1);
    }

    @Test
    void everyAlertFollowsTheHouseRulesAndHasBothTestCasesAndARunbookEntry() throws Exception {
        Map<String, JsonNode> alerts = alerts();
        assertThat(alerts).containsOnlyKeys("CardwatchPurchasesFailing", "CardwatchPurchaseSuccessLow",
                "CardwatchAvailabilityBudgetBurn", "CardwatchAvailabilityBudgetSlowBurn", "CardwatchDeliverySlow",
                "CardwatchCriticalPlatformDown", "CardwatchIcpNotValid", "CardwatchComplaintSpike",
                "CardwatchRefundOverdue", "CardwatchLedgerDiscrepancy", "CardwatchMoneyAtRisk",
                "CardwatchBudgetTooSmall", "CardwatchGlobalBudgetExhausted", "CardwatchProbeStale",
                "CardwatchProbeErrors", "CardwatchSchedulerLag", "CardwatchMonitorDown", "CardwatchMonitorBlind",
                "CardwatchMonitorDegraded", "CardwatchWatchdog", "CardwatchHookDeadLetter", "CardwatchHookBacklog",
                "CardwatchTlsCertificateExpiring");
        Map<String, int[]> cases = new HashMap<>(); // alert -> {before for:, firing}
        for (Path file : files("tests")) {
            for (JsonNode test : YAML.readTree(file.toFile()).path("tests")) {
                for (JsonNode check : test.path("alert_rule_test")) {
                    int[] seen = cases.computeIfAbsent(check.path("alertname").asString(), k -> new int[2]);
                    JsonNode expected = check.path("exp_alerts");
                    if (expected.isEmpty()) {
                        seen[0]++;
                    } else {
                        seen[1]++;
                        expected.forEach(alert -> assertThat(alert.path("exp_annotations").propertyNames())
                                .containsExactlyInAnyOrder("summary", "description", "runbook_url"));
                    }
                }
            }
        }
        String runbook = Files.readString(ALERTS.resolve("runbook.md"));
        for (Map.Entry<String, JsonNode> e : alerts.entrySet()) {
            String name = e.getKey();
            JsonNode rule = e.getValue();
            assertThat(rule.has("for")).as(name + " has for:").isTrue();
            assertThat(rule.path("labels").path("severity").asString()).as(name).isIn("critical", "warning", "info");
            assertThat(rule.path("annotations").path("runbook_url").asString()).as("a link into the service's "
                    + "/runbook, under the cardwatch_url external label")
                    .isEqualTo("{{ $externalLabels.cardwatch_url }}/runbook#" + name.toLowerCase(Locale.ROOT));
            assertThat(runbook).as("runbook entry for " + name).contains("\n## " + name + "\n");
            int[] seen = cases.getOrDefault(name, new int[2]);
            assertThat(seen[0] > 0 && seen[1] > 0).as(name + ": a case before for: and a firing case").isTrue();
        }
    }

    /**
     * Pages go to PagerDuty and the chat relay; warnings to chat and to tickets outside Cardwatch; the watchdog to the
     * dead man's switch outside and to Cardwatch's heartbeat. amtool prints every receiver an alert reaches.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alertname=CardwatchCriticalPlatformDown severity=critical platform=shop | pager,cardwatch-chat",
        "alertname=CardwatchMonitorDegraded severity=critical                   | pager,cardwatch-chat",
        "alertname=CardwatchPurchasesFailing severity=warning platform=shop     | cardwatch-chat,tickets",
        "alertname=CardwatchProbeStale severity=warning platform=shop           | cardwatch-chat,tickets",
        "alertname=CardwatchWatchdog severity=info                              | deadman,cardwatch-heartbeat",
        "alertname=Unlabelled                                                   | tickets"})
    void amtoolAcceptsTheAlertmanagerConfigAndRoutesPagesWarningsAndTheWatchdog(String labels, String receivers)
            throws Exception {
        LocalBinary.Result checked = run("/usr/bin/amtool", "check-config", "alertmanager.yml");
        assertThat(checked.exit()).as(checked.output()).isZero();
        List<String> command = new ArrayList<>(List.of("/usr/bin/amtool", "config", "routes", "test",
                "--config.file=alertmanager.yml"));
        command.addAll(List.of(labels.strip().split(" ")));
        LocalBinary.Result routed = run(command.toArray(String[]::new));
        String[] lines = routed.output().strip().split("\n"); // amtool may warn about flags first
        assertThat(lines[lines.length - 1].strip()).as(routed.output()).isEqualTo(receivers.strip());
    }

    /**
     * The inhibitions, in a real Alertmanager given the shipped config: "monitor degraded" silences the platform
     * alerts it explains but not the money ones; a critical platform's page silences its own warnings except a
     * refund overdue; a page without a platform silences no warning.
     */
    @Test
    void alertmanagerInhibitsWhatTheMonitorsStateExplainsAndNeverARefundOverdue() throws Exception {
        Path secrets = Files.createTempDirectory("secrets");
        for (String name : List.of("cardwatch-relay-token", "pagerduty-routing-key", "deadman-token", "smtp-password")) {
            Files.writeString(secrets.resolve(name), "not-used-here");
        }
        String config = Files.readString(ALERTS.resolve("alertmanager.yml"))
                .replace("/etc/alertmanager/secrets", secrets.toString());
        try (LocalBinary alertmanager = LocalBinary.start("/usr/bin/prometheus-alertmanager", List.of(
                "--config.file=alertmanager.yml", "--storage.path={dir}/data", "--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address="), "/-/ready", "alertmanager.yml", config)) {
            String[][] alerts = {
                {"CardwatchMonitorDegraded", "critical", null},
                {"CardwatchPurchasesFailing", "warning", "shop"},
                {"CardwatchProbeErrors", "warning", "shop"},
                {"CardwatchRefundOverdue", "warning", "shop"},
                {"CardwatchLedgerDiscrepancy", "warning", "shop"},
                {"CardwatchHookDeadLetter", "warning", null},
                {"CardwatchCriticalPlatformDown", "critical", "vip"},
                {"CardwatchDeliverySlow", "warning", "vip"},
                {"CardwatchRefundOverdue", "warning", "vip"},
                {"CardwatchIcpNotValid", "warning", "vip"},
                {"CardwatchIcpNotValid", "warning", "other"}};
            StringBuilder body = new StringBuilder("[");
            for (String[] a : alerts) {
                body.append(body.length() > 1 ? "," : "").append("{\"labels\":{\"alertname\":\"").append(a[0])
                        .append("\",\"severity\":\"").append(a[1]).append("\",\"job\":\"cardwatch\"")
                        .append(a[2] == null ? "" : ",\"platform\":\"" + a[2] + "\"").append("}}");
            }
            assertThat(alertmanager.postJson("/api/v2/alerts", body.append("]").toString())).isEqualTo(200);
            Map<String, String> inhibited = new HashMap<>();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode listed = YAML.readTree(java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(alertmanager.baseUrl()
                                + "/api/v2/alerts")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                inhibited.clear();
                for (JsonNode alert : listed) {
                    String key = alert.path("labels").path("alertname").asString() + "/"
                            + alert.path("labels").path("platform").asString("-");
                    inhibited.put(key, alert.path("status").path("inhibitedBy").isEmpty() ? "shown" : "inhibited");
                }
                assertThat(inhibited).hasSize(alerts.length);
            });
            assertThat(inhibited).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                    Map.entry("CardwatchMonitorDegraded/-", "shown"),
                    Map.entry("CardwatchPurchasesFailing/shop", "inhibited"),
                    Map.entry("CardwatchProbeErrors/shop", "inhibited"),
                    Map.entry("CardwatchRefundOverdue/shop", "shown"),
                    Map.entry("CardwatchLedgerDiscrepancy/shop", "shown"),
                    Map.entry("CardwatchHookDeadLetter/-", "shown"),
                    Map.entry("CardwatchCriticalPlatformDown/vip", "inhibited"),
                    Map.entry("CardwatchDeliverySlow/vip", "inhibited"),
                    Map.entry("CardwatchRefundOverdue/vip", "shown"),
                    Map.entry("CardwatchIcpNotValid/vip", "inhibited"),
                    Map.entry("CardwatchIcpNotValid/other", "shown")));
        }
    }

    @Test
    void everyMetricTheRulesUseIsExportedByTheService() throws Exception {
        Set<String> used = new TreeSet<>();
        // a metric's name, not a part of a recorded series' level:name:operations
        Pattern metric = Pattern.compile("(?<![\\w:])cardwatch_[a-z0-9_]+(?![\\w:])");
        for (Path file : files("rules")) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    Matcher m = metric.matcher(rule.path("expr").asString());
                    while (m.find()) {
                        used.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
                    }
                }
            }
        }
        assertThat(used).isNotEmpty();
        // cardwatch_platform_paused exists only while a platform is paused: pause one for the look
        assertThat(admin().send("POST", "/api/admin/v1/platforms/captcha-shop/pause", null).statusCode())
                .isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                String exported = metrics();
                for (String name : used) {
                    assertThat(exported).as(name).containsPattern("(?m)^# TYPE " + name + " ");
                }
            });
        } finally {
            assertThat(admin().send("POST", "/api/admin/v1/platforms/captcha-shop/resume", null).statusCode())
                    .isEqualTo(200);
        }
    }
}
