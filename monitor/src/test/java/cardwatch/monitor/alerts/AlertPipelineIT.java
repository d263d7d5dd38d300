package cardwatch.monitor.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.support.LocalBinary;
import cardwatch.monitor.system.SharedDemoService;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole alert path with real binaries: the demo's platform "down" is hard down; a real Prometheus with the
 * project's rules sees it and fires; a real Alertmanager with the project's config routes it to Cardwatch's relay;
 * the relay sends it on to a chat webhook (WireMock). The watchdog reaches the heartbeat hook the same way. Only
 * the waiting is shortened for the test: every {@code for:} becomes 0s and group_wait 1s (promtool's unit tests
 * cover {@code for:}).
 */
class AlertPipelineIT extends SharedDemoService {

    @Test
    void aPlatformThatIsDownReachesChatThroughPrometheusAlertmanagerAndTheRelay() throws Exception {
        Path alerts = AlertRulesIT.ALERTS;
        List<Path> rules = new java.util.ArrayList<>();
        Path ruleDir = Files.createTempDirectory("rules");
        try (Stream<Path> files = Files.list(alerts.resolve("rules"))) {
            for (Path file : files.sorted().toList()) {
                Path copy = ruleDir.resolve(file.getFileName());
                Files.writeString(copy, Files.readString(file).replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 0s"));
                rules.add(copy);
            }
        }
        Path secrets = Files.createTempDirectory("secrets");
        Files.writeString(secrets.resolve("cardwatch-relay-token"), "relay-token-1");
        for (String unused : List.of("pagerduty-routing-key", "deadman-token", "smtp-password")) {
            Files.writeString(secrets.resolve(unused), "not-used-here");
        }
        String config = Files.readString(alerts.resolve("alertmanager.yml"))
                .replace("http://monitor:8080", "http://127.0.0.1:" + port)
                .replace("/etc/alertmanager/secrets", secrets.toString())
                .replace("group_wait: 30s", "group_wait: 1s")
                .replace("group_wait: 1m", "group_wait: 1s")
                // no PagerDuty here: the critical route keeps the relay
                .replaceAll("(?s)    pagerduty_configs:\\n      - routing_key_file: [^\\n]+\\n        send_resolved: true\\n",
                        "");
        try (LocalBinary alertmanager = LocalBinary.start("/usr/bin/prometheus-alertmanager", List.of(
                "--config.file=alertmanager.yml", "--storage.path={dir}/data", "--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address="), "/-/ready", "alertmanager.yml", config);
             LocalBinary prometheus = LocalBinary.prometheus(rules, alertmanager.port(),
                     "cardwatch /actuator/prometheus 127.0.0.1:" + port)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    HOOK.verify(WireMock.moreThanOrExactly(1), WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                            .withRequestBody(WireMock.containing("\"platform\":\"down\""))
                            .withRequestBody(WireMock.matching(".*Cardwatch(PurchasesFailing|AvailabilityBudgetBurn).*"))));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Matcher beat = Pattern.compile("(?m)^cardwatch_alertmanager_heartbeat_timestamp_seconds ([0-9.E]+)$")
                        .matcher(metrics());
                assertThat(beat.find()).isTrue();
                assertThat(Double.parseDouble(beat.group(1))).as("the watchdog reached the heartbeat hook")
                        .isPositive();
            });
            HOOK.verify(0, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                    .withRequestBody(WireMock.containing("CardwatchWatchdog")));
        }
    }
}
