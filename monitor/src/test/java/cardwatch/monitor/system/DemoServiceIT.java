package cardwatch.monitor.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.support.LocalBinary;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demo service's API, metrics, incidents and hooks, on the shared service. */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class DemoServiceIT extends SharedDemoService {

    private static final List<String> PLATFORMS = List.of("reliable", "slow", "notify-lost", "stuck", "out-of-stock",
            "risk", "down", "malformed", "sup-direct", "acg-shop", "dujiao-shop", "balance-shop", "generic-shop",
            "typo-shop", "captcha-shop");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    RunRepository runs;

    private static boolean hasPositive(String metrics, String series) {
        return metrics.lines().anyMatch(line -> line.startsWith(series + " ")
                && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0);
    }

    private static String runs(String platform, String outcome, String reason) {
        return "cardwatch_probe_runs_total{outcome=\"" + outcome + "\",platform=\"" + platform
                + "\",probe=\"purchase\",reason=\"" + reason + "\"}";
    }

    @Test
    void withinAMinuteTheDemoHasRowsAndSuccessAndFailureSeriesPerProfile() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(runs.count()).isGreaterThanOrEqualTo(PLATFORMS.size());
            assertThat(hasPositive(metrics, runs("reliable", "success", "none"))).isTrue();
            assertThat(hasPositive(metrics, runs("slow", "success", "none"))).isTrue();
            assertThat(hasPositive(metrics, runs("sup-direct", "success", "none"))).isTrue();
            assertThat(hasPositive(metrics, runs("generic-shop", "success", "none"))).isTrue();
            assertThat(hasPositive(metrics, runs("acg-shop", "failure", "out_of_stock"))).isTrue();
            assertThat(hasPositive(metrics, runs("dujiao-shop", "success", "none"))).isTrue();
            assertThat(hasPositive(metrics, runs("dujiao-shop", "failure", "risk_rejected"))).isTrue();
            assertThat(hasPositive(metrics, runs("balance-shop", "failure", "duplicate_charge"))).isTrue();
            assertThat(hasPositive(metrics, runs("captcha-shop", "error", "captcha"))).isTrue();
            assertThat(hasPositive(metrics, "cardwatch_probe_runs_total{outcome=\"success\",platform=\"reliable\","
                    + "probe=\"availability\",reason=\"none\"}")).isTrue();
            assertThat(hasPositive(metrics, "cardwatch_probe_runs_total{outcome=\"success\",platform=\"sup-direct\","
                    + "probe=\"availability\",reason=\"none\"}")).as("the GBK storefront reads right").isTrue();
            assertThat(metrics).containsPattern("cardwatch_probe_runs_total\\{outcome=\"failure\",platform=\"down\","
                    + "probe=\"availability\",reason=\"http_error\"} [1-9]");
            assertThat(hasPositive(metrics, runs("down", "failure", "http_error"))).isTrue();
            assertThat(hasPositive(metrics, runs("out-of-stock", "failure", "out_of_stock"))).isTrue();
            assertThat(hasPositive(metrics, runs("risk", "failure", "risk_rejected"))).isTrue();
            assertThat(hasPositive(metrics, runs("stuck", "failure", "stuck_processing"))).isTrue();
            assertThat(hasPositive(metrics, runs("malformed", "failure", "protocol_error"))).isTrue();
            assertThat(hasPositive(metrics, "cardwatch_purchase_delivery_seconds_count{platform=\"reliable\"}"))
                    .isTrue();
        });
    }

    @Test
    void theHttpsPlatformIsTrustedExplicitlyAndItsCertificateExpiryIsExported() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            String metrics = metrics();
            String line = metrics.lines().filter(l -> l.startsWith(
                    "cardwatch_tls_cert_expiry_timestamp_seconds{platform=\"reliable\"}")).findFirst().orElse("");
            assertThat(line).isNotEmpty();
            double expiry = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            assertThat(expiry).isGreaterThan(java.time.Instant.now().getEpochSecond());
        });
        // the newest row may be a run still in progress (no outcome yet): look at the newest finished one
        JsonNode finished = JSON.readTree(client().get("/api/v1/platforms/reliable/runs?probe=availability&limit=5")
                .body()).valueStream().filter(r -> !r.path("outcome").asString("").isEmpty()).findFirst().orElseThrow();
        assertThat(finished.path("outcome").asString()).isEqualTo("success");
        assertThat(finished.path("phasesMs").has("tls")).isTrue();
        assertThat(JSON.readTree(client().get("/api/v1/platforms/reliable/runs?probe=purchase&limit=5").body())
                .valueStream().anyMatch(r -> r.path("outcome").asString("").equals("success")))
                .as("purchases over HTTPS too").isTrue();
    }

    @Test
    void complaintsAreGatheredClassifiedAndServedAsPlainText() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode page = JSON.readTree(client().get("/api/v1/platforms/reliable/reviews?size=50").body());
            assertThat(page.path("total").asLong()).isGreaterThanOrEqualTo(7);
        });
        String body = client().get("/api/v1/platforms/reliable/reviews?size=50").body();
        assertThat(body).doesNotContain("<script", "onerror", "<iframe", "alert(");
        JsonNode items = JSON.readTree(body).path("items");
        assertThat(items.valueStream().map(i -> i.path("title").asString())).contains("话费没有到账", "客服不回复");
        assertThat(items.valueStream().filter(i -> i.path("title").asString().equals("话费没有到账")).findFirst()
                .orElseThrow().path("categories").toString()).contains("recharge_failed");
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(metrics()).containsPattern(
                "cardwatch_reviews\\{category=\"recharge_failed\",platform=\"reliable\"} [1-9]"));
        assertThat(metrics()).contains("cardwatch_reviews_unresolved{platform=\"reliable\"}");
        assertThat(client().get("/api/v1/platforms/reliable/reviews?size=0").statusCode()).isEqualTo(400);
    }

    @Test
    void theTrustScoreShowsItsComponentsWithTheirInputsAndTodaysHistory() {
        // Nobody asks for "slow"'s score: its runs alone keep it current.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(metrics()).containsPattern("cardwatch_trust_score\\{platform=\"slow\"} [0-9N]"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode score = JSON.readTree(client().get("/api/v1/platforms/reliable/score").body());
            assertThat(score.path("components").path("compliance").path("inputs").path("icp_status").asString(""))
                    .isEqualTo("valid");
            assertThat(score.path("components").path("reliability").path("inputs").path("purchases").asInt())
                    .isPositive();
        });
        JsonNode reliable = JSON.readTree(client().get("/api/v1/platforms/reliable/score").body());
        JsonNode down = JSON.readTree(client().get("/api/v1/platforms/down/score").body());
        assertThat(reliable.path("components").path("compliance").path("score").asDouble()).isEqualTo(100.0);
        assertThat(reliable.path("components").path("reliability").path("score").asDouble())
                .isGreaterThan(down.path("components").path("reliability").path("score").asDouble());
        assertThat(reliable.path("grade").asString()).isIn("A", "B", "C", "D", "F", "?");
        assertThat(reliable.path("history").size()).isEqualTo(1);
        assertThat(reliable.path("history").get(0).path("grade").asString()).isEqualTo(reliable.path("grade")
                .asString());
        assertThat(metrics()).contains("cardwatch_trust_score{platform=\"reliable\"}")
                .as("the components are in the API and on the page, not 7 series per platform")
                .doesNotContain("cardwatch_trust_component");
        String method = client().get("/api/v1/score/method").body();
        assertThat(method).contains("证据不足", "Wilson", "Too little evidence", "信任分").doesNotContain("<script");
        assertThat(client().get("/api/v1/platforms/no-such-shop/score").statusCode()).isEqualTo(404);
    }

    @Test
    void aPlatformThatIsDownHasAnOpenIncidentWithItsCauseAndTimeline() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode items = JSON.readTree(client().get("/api/v1/incidents?state=open&platform=down").body())
                    .path("items");
            assertThat(items.valueStream().filter(i -> i.path("probe").asString().equals("purchase"))
                    .map(i -> i.path("cause").asString())).containsExactly("http_error");
        });
        JsonNode incident = JSON.readTree(client().get("/api/v1/incidents?state=open&platform=down").body())
                .path("items").get(0);
        assertThat(incident.path("timeline").get(0).path("kind").asString()).isEqualTo("opened");
        assertThat(metrics()).contains("cardwatch_incident_open{platform=\"down\"} 1.0")
                .contains("cardwatch_incident_open{platform=\"reliable\"} 0.0");
        assertThat(JSON.readTree(client().get("/api/v1/incidents?platform=reliable").body()).path("items").size())
                .isZero();
        assertThat(client().get("/api/v1/incidents?state=closed").statusCode()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> HOOK.verify(WireMock.moreThanOrExactly(1),
                WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                        .withRequestBody(WireMock.containing("\"platform\":\"down\""))
                        .withRequestBody(WireMock.containing("\"event\":\"opened\""))
                        .withHeader("X-Cardwatch-Signature", WireMock.matching("sha256=[0-9a-f]{64}"))));
        assertThat(hasPositive(metrics(), "cardwatch_hook_deliveries_total{channel=\"webhook\",outcome=\"delivered\"}"))
                .isTrue();
        assertThat(client().get("/api/v1/incidents?platform=no-such-shop").statusCode()).isEqualTo(404);
    }

    @Test
    void theAlertmanagerRelayForwardsAVersion4PayloadThroughTheChannels() throws Exception {
        String payload = new String(DemoServiceIT.class.getResourceAsStream("/alertmanager/webhook-v4.json")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(client().postJson("/hooks/alertmanager", payload, null).statusCode()).isEqualTo(401);
        assertThat(client().postJson("/hooks/alertmanager", payload, "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(client().postJson("/hooks/alertmanager", payload.replace("\"version\": \"4\"",
                "\"version\": \"3\""), "Bearer relay-token-1").statusCode()).isEqualTo(400);

        HttpResponse<String> accepted = client().postJson("/hooks/alertmanager", payload, "Bearer relay-token-1");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).path("alerts").asInt()).isEqualTo(2);
        // Alertmanager repeats a group: the same alerts are not sent twice.
        client().postJson("/hooks/alertmanager", payload, "Bearer relay-token-1");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HOOK.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                    .withRequestBody(WireMock.containing("good-shop purchase success below 80% for 30m"))
                    .withRequestBody(WireMock.containing("\"event\":\"opened\"")));
            HOOK.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                    .withRequestBody(WireMock.containing("\"platform\":\"slow-shop\""))
                    .withRequestBody(WireMock.containing("\"event\":\"resolved\"")));
        });
    }

    @Test
    void aRealAlertmanagerSendsItsAlertsThroughTheRelayToTheChannels() throws Exception {
        String config = """
                route:
                  receiver: cardwatch
                  group_by: [alertname, platform]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: cardwatch
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hooks/alertmanager
                        send_resolved: true
                        http_config:
                          authorization:
                            type: Bearer
                            credentials: relay-token-1
                """.formatted(port);
        try (LocalBinary alertmanager = LocalBinary.start("/usr/bin/prometheus-alertmanager", List.of(
                "--config.file=alertmanager.yml", "--storage.path={dir}/data",
                "--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="), "/-/ready",
                "alertmanager.yml", config)) {
            java.time.Instant start = java.time.Instant.now().minusSeconds(60);
            String alert = """
                    [{"labels": {"alertname": "CardwatchPurchasesFailing", "platform": "am-shop", "severity": "critical"},
                      "annotations": {"summary": "am-shop purchases are failing"},
                      "startsAt": "%s", %s
                      "generatorURL": "http://prometheus.example/graph"}]""";
            assertThat(alertmanager.postJson("/api/v2/alerts", alert.formatted(start, ""))).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> HOOK.verify(1,
                    WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                            .withRequestBody(WireMock.containing("am-shop purchases are failing"))
                            .withRequestBody(WireMock.containing("\"event\":\"opened\""))));

            String ended = "\"endsAt\": \"" + java.time.Instant.now().minusSeconds(1) + "\",";
            assertThat(alertmanager.postJson("/api/v2/alerts", alert.formatted(start, ended))).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> HOOK.verify(1,
                    WireMock.postRequestedFor(WireMock.urlPathEqualTo("/alerts"))
                            .withRequestBody(WireMock.containing("\"platform\":\"am-shop\""))
                            .withRequestBody(WireMock.containing("\"event\":\"resolved\""))));
        }
    }

    @Test
    void eachFilingGetsItsStatusAndTheStatusMetric() {
        Map<String, String> expected = Map.of("reliable", "valid", "stuck", "mismatch", "notify-lost",
                "footer_missing", "out-of-stock", "not_found", "risk", "suspicious", "malformed", "valid");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (Map.Entry<String, String> platform : expected.entrySet()) {
                JsonNode icp = JSON.readTree(client().get("/api/v1/platforms/" + platform.getKey() + "/icp").body());
                assertThat(icp.path("status").asString("")).as(platform.getKey()).isEqualTo(platform.getValue());
            }
        });
        JsonNode reliable = JSON.readTree(client().get("/api/v1/platforms/reliable/icp").body());
        assertThat(reliable.path("number").asString()).isEqualTo("京ICP备16032877号-1");
        assertThat(reliable.path("record").path("unit_name").asString()).isEqualTo("稳定网络科技有限公司");
        assertThat(reliable.path("footer").asString()).contains("京ICP备16032877号-1");
        JsonNode personal = JSON.readTree(client().get("/api/v1/platforms/malformed/icp").body());
        assertThat(personal.path("personalFiling").asBoolean()).isTrue();
        assertThat(metrics()).contains("cardwatch_icp_status{platform=\"reliable\",status=\"valid\"} 1.0")
                .doesNotContain("cardwatch_icp_status{platform=\"reliable\",status=\"mismatch\"}")
                .contains("cardwatch_icp_status{platform=\"stuck\",status=\"mismatch\"} 1.0");
        assertThat(client().get("/api/v1/platforms/no-such-shop/icp").statusCode()).isEqualTo(404);
    }

    @Test
    void aLostNotifyIsFlaggedOnARunThatIsStillJudgedByItsState() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode recent = JSON.readTree(client().get("/api/v1/platforms/notify-lost/runs?limit=50&probe=purchase")
                    .body());
            assertThat(recent.valueStream().allMatch(run -> run.path("probe").asString().equals("purchase"))).isTrue();
            assertThat(recent.valueStream().anyMatch(run -> run.path("outcome").asString("").equals("success")
                    && run.path("flags").toString().contains("notify_missing"))).isTrue();
        });
    }

    @Test
    void theMetricContractExistsForEveryPlatformFromTheStart() {
        String metrics = metrics();
        assertThat(metrics).contains("cardwatch_config_platforms " + (double) PLATFORMS.size());
        assertThat(metrics).contains("cardwatch_scheduler_lag_seconds_bucket{le=")
                .contains("cardwatch_budget_global_remaining_yuan ");
        assertThat(metrics).contains("cardwatch_probe_duration_seconds_bucket{probe=\"purchase\",le=\"60.0\"}")
                .contains("cardwatch_refund_seconds_bucket{le=\"3600.0\"}");
        for (String phase : List.of("order", "confirm", "deliver")) {
            assertThat(metrics).contains("cardwatch_purchase_phase_seconds_count{phase=\"" + phase + "\"}");
        }
        for (String phase : List.of("dns", "connect", "tls", "first_byte", "transfer")) {
            assertThat(metrics).contains("cardwatch_availability_phase_seconds_count{phase=\"" + phase + "\"}");
        }
        assertThat(metrics).as("phase breakdowns carry no platform label")
                .doesNotContainPattern("cardwatch_(purchase|availability)_phase_seconds_bucket\\{[^}]*platform=")
                .doesNotContainPattern("cardwatch_probe_duration_seconds_bucket\\{[^}]*platform=");
        for (String p : PLATFORMS) {
            String platform = "platform=\"" + p + "\"";
            assertThat(metrics).contains(runs(p, "success", "none"));
            assertThat(metrics).contains("cardwatch_purchase_delivery_seconds_bucket{" + platform + ",le=\"600.0\"}");
            assertThat(metrics).contains("cardwatch_probe_last_run_timestamp_seconds{" + platform
                    + ",probe=\"purchase\"}");
            if (!List.of("dujiao-shop", "generic-shop").contains(p)) { // a checkout spends nothing: no money series
                assertThat(metrics).contains("cardwatch_purchase_spent_yuan_total{" + platform + "}")
                        .contains("cardwatch_budget_remaining_yuan{" + platform + "}")
                        .contains("cardwatch_refunds_total{outcome=\"not_refunded\"," + platform + "}")
                        .contains("cardwatch_ledger_discrepancies_total{kind=\"duplicate_charge\"," + platform + "}")
                        .contains("cardwatch_ledger_discrepancies_total{kind=\"unexplained_balance_change\","
                                + platform + "}");
            }
        }
        assertThat(metrics).doesNotContain("application=").doesNotContain("instance=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/metrics",
            "/actuator/loggers", "/actuator/heapdump", "/actuator/threaddump", "/actuator/mappings",
            "/actuator/shutdown", "/actuator/quartz"})
    void onlyHealthInfoAndPrometheusAreExposed(String path) {
        assertThat(client().get(path).statusCode()).isEqualTo(404);
    }

    @Test
    void theDemosSimulatedMoneyHasADemoBudgetSoItNeverRunsDry() throws Exception {
        JsonNode budget = JSON.readTree(reader().get("/api/v1/budget").body());
        assertThat(budget.path("global").path("cap").decimalValue()).isEqualByComparingTo("100000.00");
        assertThat(budget.path("platforms").valueStream().map(p -> p.path("cap").decimalValue()))
                .hasSize(PLATFORMS.size()).allSatisfy(cap -> assertThat(cap).isEqualByComparingTo("100000.00"));
    }

    @Test
    void healthAndInfoAnswer() {
        assertThat(client().get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(client().get("/actuator/info").statusCode()).isEqualTo(200);
    }

    @Test
    void theApiListsEachPlatformWithItsProtocolRatiosAndDelivery() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode platforms = JSON.readTree(client().get("/api/v1/platforms").body());
            assertThat(platforms.size()).isEqualTo(PLATFORMS.size());
            JsonNode reliable = platforms.valueStream().filter(p -> p.path("id").asString().equals("reliable"))
                    .findFirst().orElseThrow();
            assertThat(reliable.path("names").path("zh").asString()).isEqualTo("稳定卡盟");
            assertThat(reliable.path("protocol").asString()).isEqualTo("yrapi");
            Map<String, String> protocols = new java.util.HashMap<>();
            platforms.valueStream().forEach(p -> protocols.put(p.path("id").asString(), p.path("protocol").asString()));
            assertThat(protocols).containsEntry("sup-direct", "sup").containsEntry("acg-shop", "acg-faka")
                    .containsEntry("dujiao-shop", "dujiaoka").containsEntry("generic-shop", "generic");
            Map<String, String> modes = new java.util.HashMap<>();
            platforms.valueStream().forEach(p -> modes.put(p.path("id").asString(), p.path("mode").asString()));
            assertThat(modes).containsEntry("reliable", "purchase").containsEntry("acg-shop", "purchase")
                    .containsEntry("dujiao-shop", "checkout").containsEntry("generic-shop", "checkout");
            assertThat(reliable.path("lastRun").path("outcome").asString()).isEqualTo("success");
            assertThat(reliable.path("purchase").path("24h").path("successRatio").asDouble()).isEqualTo(1.0);
            assertThat(reliable.path("deliveryP50Seconds").asDouble()).isPositive();
            assertThat(reliable.path("deliveryP95Seconds").asDouble())
                    .isGreaterThanOrEqualTo(reliable.path("deliveryP50Seconds").asDouble());
            JsonNode down = platforms.valueStream().filter(p -> p.path("id").asString().equals("down"))
                    .findFirst().orElseThrow();
            assertThat(down.path("purchase").path("1h").path("successRatio").asDouble()).isEqualTo(0.0);
            assertThat(down.path("deliveryP50Seconds").isNull()).isTrue();
        });
    }

    @Test
    void runsArePagedAndBadRequestsAreNamed() {
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.recent("reliable", 5).size() >= 2);

        // public: finished runs only, as summaries without order ids, amounts or evidence
        JsonNode two = JSON.readTree(client().get("/api/v1/platforms/reliable/runs?limit=2").body());
        assertThat(two.size()).isBetween(1, 2);
        for (JsonNode run : two) {
            assertThat(run.path("endedAt").isNull() || run.path("endedAt").isMissingNode()).as(run.toString())
                    .isFalse();
            assertThat(run.propertyNames()).as(run.toString())
                    .doesNotContain("clientOrderId", "platformOrderNo", "amount", "evidence");
        }
        // with the read token: the runs in full, those in flight too, each purchase with its client order id; a run
        // that places no order (an ICP or storefront check) has none
        JsonNode full = JSON.readTree(reader().get("/api/admin/v1/platforms/reliable/runs?limit=2").body());
        assertThat(full.size()).isEqualTo(2);
        for (JsonNode run : full) {
            JsonNode id = run.path("clientOrderId");
            String text = id.isNull() || id.isMissingNode() ? "" : id.asString();
            assertThat(text).as(run.toString())
                    .matches(run.path("probe").asString().equals("purchase") ? "CW[0-9A-F]{24}" : "");
            assertThat(run.has("evidence")).isTrue();
        }

        Map<String, ServiceClient> bases = Map.of("/api/v1/platforms/", client(), "/api/admin/v1/platforms/",
                reader());
        for (Map.Entry<String, ServiceClient> each : bases.entrySet()) {
            String base = each.getKey();
            ServiceClient client = each.getValue();
            HttpResponse<String> badLimit = client.get(base + "reliable/runs?limit=0");
            assertThat(badLimit.statusCode()).isEqualTo(400);
            assertThat(badLimit.body()).contains("limit must be between 1 and 500");
            HttpResponse<String> unknown = client.get(base + "no-such-shop/runs");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("no platform with id 'no-such-shop'");
        }
    }

    @Autowired
    cardwatch.monitor.platform.SecretResolver secrets;

    @Test
    void aGbkCallbackThatDoesNotDeclareItsCharsetIsReadAsGbk() throws Exception {
        String key = secrets.resolve("file:demo-simulator-api-key").orElseThrow();
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("Orderid", "CW000000000000000000000001");
        values.put("Chargeid", "C1");
        values.put("Orderstatu_int", "16");
        values.put("Orderstatu_text", "缴费成功");
        values.put("Errorcode", "0000");
        values.put("Sign", cardwatch.probes.purchase.sup.SupSigner.sign(values,
                cardwatch.probes.purchase.sup.SupSigner.ANSWER_FIELDS, key));
        java.nio.charset.Charset gbk = java.nio.charset.Charset.forName("GBK");
        String body = values.entrySet().stream().map(e -> e.getKey() + "="
                + java.net.URLEncoder.encode(e.getValue(), gbk)).collect(java.util.stream.Collectors.joining("&"));
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/callbacks/sup-direct/notify"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("OK");
    }

    @Test
    void aForgedNotifyIsRefused() {
        HttpResponse<String> forged = client().postForm("/callbacks/reliable/notify",
                "userid=10001&out_trade_num=CW000000000000000000000000&order_number=X&state=1&charge_kami=KM123456"
                        + "&sign=00000000000000000000000000000000");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).isEqualTo("fail");

        assertThat(client().postForm("/callbacks/no-such-shop/notify", "out_trade_num=CW1").statusCode())
                .isEqualTo(404);
        assertThat(client().postForm("/callbacks/reliable/notify", "hello=world").statusCode()).isEqualTo(400);
    }

    private static final String FORGED_SIGN = "&sign=00000000000000000000000000000000";

    private static String forged(String orderId) {
        return "userid=10001&out_trade_num=" + orderId + "&order_number=X&state=2&charge_kami=&remark=%E5%A4%B1%E8%B4%A5"
                + FORGED_SIGN;
    }

    private double rejected(String platform) {
        String series = "cardwatch_notify_rejected_total{platform=\"" + platform + "\",reason=\"bad_signature\"} ";
        return metrics().lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length()))).findFirst().orElse(0);
    }

    /**
     * The attack of the issue: an outsider catches a purchase in flight and posts a notify with a bad signature that
     * says it failed. Refused, it never reaches the run, which ends as the platform really answered.
     */
    @Test
    void aForgedNotifyDuringAnInFlightPurchaseLeavesItASuccess() {
        java.util.concurrent.atomic.AtomicReference<cardwatch.monitor.run.ProbeRun> caught =
                new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            runs.unfinished("purchase").stream().filter(r -> r.platform().equals("reliable")).findFirst()
                    .ifPresent(caught::set);
            return caught.get() != null;
        });
        cardwatch.monitor.run.ProbeRun run = caught.get();
        int sent = 0;
        while (runs.get(run.id()).endedAt() == null && sent < 500) {
            assertThat(client().postForm("/callbacks/reliable/notify", forged(run.clientOrderId())).statusCode())
                    .isEqualTo(400);
            sent++;
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get(run.id()).endedAt() != null);
        cardwatch.monitor.run.ProbeRun ended = runs.get(run.id());
        assertThat(sent).as("forged notifies while it was in flight").isPositive();
        assertThat(ended.outcome()).as(ended.toString()).isEqualTo("success");
        assertThat(ended.evidence()).doesNotContain("signature");
    }

    @Test
    void aThousandForgedNotifiesChangeNothingAndCostALogLineAMinute(
            org.springframework.boot.test.system.CapturedOutput output) {
        double before = rejected("out-of-stock");
        int incidents = JSON.readTree(client().get("/api/v1/incidents").body()).size();
        java.time.Instant start = java.time.Instant.now();
        for (int i = 0; i < 1000; i++) {
            assertThat(client().postForm("/callbacks/out-of-stock/notify", forged("CW" + i)).statusCode())
                    .isEqualTo(400);
        }
        assertThat(rejected("out-of-stock") - before).isEqualTo(1000);
        assertThat(output.getAll().lines().filter(l -> l.contains("notify for platform out-of-stock refused")).count())
                .as("rate-limited per platform").isLessThanOrEqualTo(2);
        assertThat(runs.recent("out-of-stock", "purchase", 50).stream()
                .filter(r -> r.endedAt() != null && r.endedAt().isAfter(start)))
                .allSatisfy(r -> assertThat(r.evidence()).doesNotContain("signature"));
        assertThat(JSON.readTree(client().get("/api/v1/incidents").body()).size()).isLessThanOrEqualTo(incidents + 1);
    }

    @Test
    void aLineBreakInARequestValueStaysOnOneLogLine(org.springframework.boot.test.system.CapturedOutput output) {
        String forgedLine = "2026-12-01T00:00:00.000Z  INFO 1 --- [main] c.m.forged : all purchases refunded";
        String orderId = "CW1%0A" + java.net.URLEncoder.encode(forgedLine, java.nio.charset.StandardCharsets.UTF_8)
                + "%0D%1B%5B31m";
        assertThat(client().postForm("/callbacks/stuck/notify", forged(orderId)).statusCode()).isEqualTo(400);
        assertThat(client().get("/api/v1/platforms/stuck/runs?limit=1%0A" + java.net.URLEncoder.encode(forgedLine,
                java.nio.charset.StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(output.getAll())
                .contains("order CW1\\n" + forgedLine + "\\r\\u001b[31m"));
        assertThat(output.getAll().lines()).noneMatch(line -> line.startsWith(forgedLine));
        assertThat(output.getAll()).doesNotContain("\u001b[31m");
    }

    @Test
    void purchasesAndFailuresAreLoggedAtInfoButRoutineSuccessfulChecksAreNot(
            org.springframework.boot.test.system.CapturedOutput output) {
        long before = runs.recent("reliable", "availability", 1).stream().mapToLong(r -> r.id()).max().orElse(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                output.getAll().lines().anyMatch(l -> l.contains(" INFO ")
                        && l.matches(".*reliable purchase run CW[0-9A-F]{24}: success none.*"))
                && runs.recent("reliable", "availability", 5).stream().anyMatch(r -> r.id() > before
                        && "success".equals(r.outcome()))
                && output.getAll().lines().anyMatch(l -> l.contains(" INFO ") && l.matches(
                        ".*down availability run .*: failure http_error.*")));
        assertThat(output.getAll().lines().filter(l -> l.matches(".*reliable availability run .*: success.*")))
                .as("a successful storefront check is logged at DEBUG only").isEmpty();
    }

    @Test
    void aRunStillInFlightIsShownOnlyWithTheReadTokenAndWithItsOrderId() {
        ServiceClient reader = reader();
        java.util.concurrent.atomic.AtomicReference<JsonNode> inFlight = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<JsonNode> shown = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (JsonNode run : JSON.readTree(reader.get("/api/admin/v1/platforms/slow/runs?probe=purchase&limit=3")
                    .body())) {
                if (run.path("endedAt").isNull()) {
                    inFlight.set(run);
                    shown.set(JSON.readTree(client().get("/api/v1/platforms/slow/runs?probe=purchase&limit=3")
                            .body()));
                    return true;
                }
            }
            return false;
        });
        assertThat(inFlight.get().path("clientOrderId").asString()).as(inFlight.get().toString())
                .matches("CW[0-9A-F]{24}");
        long id = inFlight.get().path("id").asLong();
        assertThat(shown.get().valueStream().map(r -> r.path("id").asLong())).as(shown.get().toString())
                .doesNotContain(id);
        assertThat(shown.get().toString()).doesNotContain(inFlight.get().path("clientOrderId").asString());
    }

    @Test
    void everyRunRowCarriesItsTimingsAndNeverARawCardCode() {
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.recent("reliable", "purchase", 5).stream()
                .anyMatch(r -> "success".equals(r.outcome())));
        var run = runs.recent("reliable", "purchase", 5).stream().filter(r -> "success".equals(r.outcome()))
                .findFirst().orElseThrow();
        assertThat(run.phasesMs()).containsOnlyKeys("order", "confirm", "deliver");
        assertThat(run.deliveryMs()).isPositive();
        assertThat(run.amount()).isEqualByComparingTo("0.98");
        assertThat(run.platformOrderNo()).startsWith("XY");
        assertThat(run.evidence()).contains("code KM").contains("**");
        assertThat(Map.of("planned", run.plannedStart(), "actual", run.actualStart(), "ended", run.endedAt()))
                .doesNotContainValue(null);
    }
}
