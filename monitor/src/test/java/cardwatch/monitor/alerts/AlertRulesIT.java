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
        assertThat(alerts).containsKeys("CardwatchPurchasesFailing", "CardwatchPurchaseSuccessLow",
                "CardwatchAvailabilityBudgetBurn", "CardwatchAvailabilityBudgetSlowBurn", "CardwatchDeliverySlow",
                "CardwatchIcpNotValid", "CardwatchComplaintSpike", "CardwatchRefundOverdue",
                "CardwatchLedgerDiscrepancy", "CardwatchBudgetNearlyExhausted", "CardwatchProbeStale",
                "CardwatchSchedulerLag", "CardwatchMonitorDown", "CardwatchWatchdog", "CardwatchTlsCertificateExpiring");
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

    @ParameterizedTest
    @CsvSource({
        "alertname=CardwatchPurchasesFailing severity=critical platform=shop,  pager-and-cardwatch",
        "alertname=CardwatchDeliverySlow severity=warning platform=shop,      chat",
        "alertname=CardwatchWatchdog severity=info,                           heartbeat"})
    void amtoolAcceptsTheAlertmanagerConfigAndRoutesBySeverity(String labels, String receiver) throws Exception {
        LocalBinary.Result checked = run("/usr/bin/amtool", "check-config", "alertmanager.yml");
        assertThat(checked.exit()).as(checked.output()).isZero();
        List<String> command = new ArrayList<>(List.of("/usr/bin/amtool", "config", "routes", "test",
                "--config.file=alertmanager.yml"));
        command.addAll(List.of(labels.split(" ")));
        LocalBinary.Result routed = run(command.toArray(String[]::new));
        String[] lines = routed.output().strip().split("\n"); // amtool may warn about flags first
        assertThat(lines[lines.length - 1].strip()).as(routed.output()).isEqualTo(receiver);
    }

    @Test
    void everyMetricTheRulesUseIsExportedByTheService() throws Exception {
        Set<String> used = new TreeSet<>();
        Pattern metric = Pattern.compile("\\bcardwatch_[a-z0-9_]+");
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
        used.remove("cardwatch_availability_slo"); // a recording rule's name, not a metric
        used.removeIf(name -> name.startsWith("cardwatch_") && name.contains("_per_judged"));
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
