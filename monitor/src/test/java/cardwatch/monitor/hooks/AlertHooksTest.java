package cardwatch.monitor.hooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.hooks.dingtalk.DingTalkChannel;
import cardwatch.monitor.hooks.feishu.FeishuChannel;
import cardwatch.monitor.hooks.pagerduty.PagerDutyChannel;
import cardwatch.monitor.hooks.slack.SlackChannel;
import cardwatch.monitor.hooks.webhook.WebhookChannel;
import cardwatch.monitor.hooks.wecom.WeComChannel;
import cardwatch.monitor.system.CardwatchProperties;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each channel against a WireMock receiver: exact payloads and signatures; the outbox across a restart. */
class AlertHooksTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant OPENED = Instant.parse("2026-11-26T08:00:00Z");
    private static final String WEBHOOK_SECRET = "webhook-secret-1";
    private static final String DING_SECRET = "SECdingtalk-secret-2";

    private final WireMockServer receiver = new WireMockServer(options().dynamicPort());
    private final OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();
    private final MutableTestClock clock = new MutableTestClock(OPENED);
    private HookOutbox outbox;
    private CardwatchProperties properties;

    static final class MutableTestClock extends Clock {
        private Instant now;

        MutableTestClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @BeforeEach
    void start() {
        receiver.start();
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:hooks-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        outbox = new HookOutbox(JdbcClient.create(db));
        properties = new Binder(new MapConfigurationPropertySource(Map.of("cardwatch.hooks.link-base",
                "https://cardwatch.example/", "cardwatch.hooks.group-window", "0s")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    private AlertHooks hooks(List<AlertChannel> channels) {
        return new AlertHooks(outbox, properties, clock, 8080, channels, false);
    }

    private WebhookChannel webhook() {
        return new WebhookChannel(receiver.baseUrl() + "/hook", WEBHOOK_SECRET, client);
    }

    @Test
    void deliveredMessagesAreForgottenAfterThirtyDaysAndUndeliveredOnesNever() {
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        AlertHooks hooks = hooks(List.of(webhook()));
        hooks.enqueue(1, "opened", "good-shop", "好店", "purchase", "http_error", OPENED, OPENED);
        assertThat(hooks.deliverDue()).isEqualTo(1);
        outbox.enqueue("webhook", new Notice("stuck-key", 2, "opened", "b", "b", "purchase", "timeout", OPENED, OPENED,
                "", "zh", "t", "critical"), OPENED, OPENED.plus(java.time.Duration.ofDays(365)));

        assertThat(outbox.purgeDelivered(OPENED.minus(java.time.Duration.ofDays(1)))).as("delivered later").isZero();
        assertThat(outbox.purgeDelivered(OPENED.plus(java.time.Duration.ofDays(31)))).isEqualTo(1);
        assertThat(outbox.undelivered()).as("never delivered: kept").isEqualTo(1);
    }

    @Test
    void theWebhookSendsTheDocumentedDocumentSignedWithHmacSha256() {
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        AlertHooks hooks = hooks(List.of(webhook()));

        hooks.enqueue(42, "opened", "good-shop", "好店", "purchase", "http_error", OPENED, OPENED);
        assertThat(hooks.deliverDue()).isEqualTo(1);

        LoggedRequest request = receiver.findAll(postRequestedFor(urlPathEqualTo("/hook"))).get(0);
        String body = request.getBodyAsString();
        String expected = HexFormat.of().formatHex(Signatures.hmacSha256(WEBHOOK_SECRET, body));
        assertThat(request.getHeader(WebhookChannel.SIGNATURE_HEADER)).isEqualTo("sha256=" + expected);
        JsonNode doc = JSON.readTree(body);
        assertThat(doc.propertyNames()).containsExactly("schema", "dedup_key", "event", "incident_id", "platform",
                "platform_name", "probe", "cause", "why", "since", "at", "link", "title", "text");
        assertThat(doc.path("schema").asString()).isEqualTo("cardwatch.alert.v1");
        assertThat(doc.path("dedup_key").asString()).isEqualTo("cardwatch-incident-42-opened-" + OPENED.toEpochMilli());
        assertThat(doc.path("since").asString()).isEqualTo("2026-11-26T08:00:00Z");
        assertThat(doc.path("link").asString())
                .isEqualTo("https://cardwatch.example/platforms/good-shop?lang=zh");
        assertThat(doc.path("text").asString()).isEqualTo("""
                【Cardwatch】故障：好店 测试购买
                平台：好店（good-shop）
                原因：网站出错
                开始时间：2026-11-26 16:00（北京时间）
                详情：https://cardwatch.example/platforms/good-shop?lang=zh""");
    }

    /** The DingTalk robot's answer, HTTP 200 whatever it says. */
    private void robotAnswers(String body) {
        receiver.stubFor(post(urlPathEqualTo("/robot/send")).willReturn(aResponse().withStatus(200).withBody(body)));
    }

    /** A signed DingTalk robot on the receiver, token "tok". */
    private DingTalkChannel ding() {
        return new DingTalkChannel(receiver.baseUrl() + "/robot/send?access_token=tok", DING_SECRET, client, clock);
    }

    @Test
    void dingTalkSignsTimestampNewlineSecretAndAnErrcodeIsAFailure() {
        robotAnswers("{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
        DingTalkChannel ding = ding();
        AlertHooks hooks = hooks(List.of(ding));
        hooks.enqueue(7, "resolved", "good-shop", "好店", "availability", "timeout", OPENED, OPENED);

        assertThat(hooks.deliverDue()).as("errcode 310000 is not delivered").isZero();
        assertThat(outbox.undelivered()).isEqualTo(1);

        LoggedRequest request = receiver.findAll(postRequestedFor(urlPathEqualTo("/robot/send"))).get(0);
        long timestamp = OPENED.toEpochMilli();
        assertThat(request.queryParameter("access_token").firstValue()).isEqualTo("tok");
        assertThat(request.queryParameter("timestamp").firstValue()).isEqualTo(String.valueOf(timestamp));
        // WireMock decodes the query: the sign is the Base64 of HMAC-SHA256(secret, timestamp \n secret).
        String base64 = Base64.getEncoder().encodeToString(Signatures.hmacSha256(DING_SECRET,
                timestamp + "\n" + DING_SECRET));
        assertThat(request.queryParameter("sign").firstValue()).isEqualTo(base64);
        assertThat(request.getUrl()).contains("sign=" + java.net.URLEncoder.encode(base64,
                java.nio.charset.StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("msgtype").asString()).isEqualTo("text");
        assertThat(body.path("text").path("content").asString()).startsWith("【Cardwatch】已恢复：好店 店铺可用性\n")
                .contains("恢复时间：2026-11-26 16:00");
    }

    @Test
    void aReceiverDownForHoursLosesNothingAcrossARestartAndEachMessageArrivesOnce() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/hook";
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AlertHooks before = hooks(List.of(new WebhookChannel(url, WEBHOOK_SECRET, client)));
        before.bindTo(meters);
        before.enqueue(1, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        before.enqueue(1, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        before.enqueue(2, "opened", "b", "B", "availability", "timeout", OPENED, OPENED);
        for (int hour = 0; hour < 3; hour++) {
            before.deliverDue();
            clock.advance(Duration.ofHours(1));
        }
        assertThat(outbox.undelivered()).as("queued once each, none delivered").isEqualTo(2);
        assertThat(meters.get("cardwatch.hook.deliveries").tags("channel", "webhook", "outcome", "failed").counter()
                .count()).isGreaterThanOrEqualTo(2);
        before.destroy();

        WireMockServer back = new WireMockServer(options().port(port));
        back.start();
        try {
            back.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
            AlertHooks after = hooks(List.of(new WebhookChannel(url, WEBHOOK_SECRET, client)));
            clock.advance(Duration.ofMinutes(31));
            assertThat(after.deliverDue()).isEqualTo(2);
            assertThat(after.deliverDue()).isZero();
            assertThat(outbox.undelivered()).isZero();
            back.verify(2, postRequestedFor(urlPathEqualTo("/hook")));
            back.verify(1, postRequestedFor(urlPathEqualTo("/hook")).withRequestBody(
                    com.github.tomakehurst.wiremock.client.WireMock.containing("\"incident_id\":2")));
        } finally {
            back.stop();
        }
    }

    private JsonNode onlyBody(String path) {
        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertThat(requests).hasSize(1);
        return JSON.readTree(requests.get(0).getBodyAsString());
    }

    @Test
    void weComGetsATextMessageAndAnErrcodeIsAFailure() {
        receiver.stubFor(post(urlPathEqualTo("/cgi-bin/webhook/send")).willReturn(aResponse().withStatus(200)
                .withBody("{\"errcode\":0,\"errmsg\":\"ok\"}")));
        AlertHooks hooks = hooks(List.of(new WeComChannel(receiver.baseUrl() + "/cgi-bin/webhook/send?key=k1",
                client)));
        hooks.enqueue(5, "opened", "good-shop", "好店", "purchase", "timeout", OPENED, OPENED);
        assertThat(hooks.deliverDue()).isEqualTo(1);
        JsonNode body = onlyBody("/cgi-bin/webhook/send");
        assertThat(body.path("msgtype").asString()).isEqualTo("text");
        assertThat(body.path("text").path("content").asString()).startsWith("【Cardwatch】故障：好店 测试购买\n");

        receiver.stubFor(post(urlPathEqualTo("/cgi-bin/webhook/send")).willReturn(aResponse().withStatus(200)
                .withBody("{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}")));
        hooks.enqueue(6, "opened", "good-shop", "好店", "purchase", "timeout", OPENED, OPENED);
        assertThat(hooks.deliverDue()).isZero();
    }

    @Test
    void feishuSignsTheTimestampInSecondsInTheBody() {
        receiver.stubFor(post("/open-apis/bot/v2/hook/abc").willReturn(aResponse().withStatus(200)
                .withBody("{\"code\":0,\"msg\":\"success\"}")));
        AlertHooks hooks = hooks(List.of(new FeishuChannel(receiver.baseUrl() + "/open-apis/bot/v2/hook/abc",
                "feishu-secret", client, clock)));
        hooks.enqueue(8, "opened", "good-shop", "好店", "purchase", "timeout", OPENED, OPENED);
        assertThat(hooks.deliverDue()).isEqualTo(1);
        JsonNode body = onlyBody("/open-apis/bot/v2/hook/abc");
        long seconds = OPENED.getEpochSecond();
        assertThat(body.path("timestamp").asString()).isEqualTo(String.valueOf(seconds));
        assertThat(body.path("sign").asString()).isEqualTo(Base64.getEncoder().encodeToString(
                Signatures.hmacSha256(seconds + "\n" + "feishu-secret", "")));
        assertThat(body.path("msg_type").asString()).isEqualTo("text");
        assertThat(body.path("content").path("text").asString()).contains("平台：好店（good-shop）");
    }

    @Test
    void slackGetsTheEnglishTextWhenTheLanguageIsEnglish() {
        properties = new Binder(new MapConfigurationPropertySource(Map.of("cardwatch.hooks.language", "en",
                "cardwatch.hooks.link-base", "https://cardwatch.example", "cardwatch.hooks.group-window", "0s")))
                .bindOrCreate("cardwatch",
                        CardwatchProperties.class);
        receiver.stubFor(post("/services/T/B/X").willReturn(aResponse().withStatus(200).withBody("ok")));
        AlertHooks hooks = hooks(List.of(new SlackChannel(receiver.baseUrl() + "/services/T/B/X", client)));
        clock.advance(Duration.ofMinutes(30));
        hooks.enqueue(9, "resolved", "good-shop", "Good Shop", "availability", "timeout", OPENED,
                OPENED.plus(Duration.ofMinutes(30)));
        assertThat(hooks.deliverDue()).isEqualTo(1);
        assertThat(onlyBody("/services/T/B/X").path("text").asString()).isEqualTo(String.join("\n",
                "[Cardwatch] Resolved: Good Shop Storefront availability",
                "Platform: Good Shop (good-shop)",
                "Cause: Timed out",
                "Since: 2026-11-26 16:00 (Beijing time)",
                "Resolved: 2026-11-26 16:30",
                "Details: https://cardwatch.example/platforms/good-shop?lang=en"));
    }

    @Test
    void pagerDutyTriggersAndResolvesOneAlertPerIncident() {
        receiver.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}")));
        AlertHooks hooks = hooks(List.of(new PagerDutyChannel(receiver.baseUrl() + "/v2/enqueue", "R0UTING", client)));
        hooks.enqueue(77, "opened", "good-shop", "好店", "purchase", "http_error", OPENED, OPENED, "", true);
        clock.advance(Duration.ofMinutes(20));
        hooks.enqueue(77, "resolved", "good-shop", "好店", "purchase", "http_error", OPENED, clock.instant(), "",
                true);
        assertThat(hooks.deliverDue()).isEqualTo(2);

        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlPathEqualTo("/v2/enqueue")));
        JsonNode trigger = JSON.readTree(requests.get(0).getBodyAsString());
        JsonNode resolve = JSON.readTree(requests.get(1).getBodyAsString());
        assertThat(trigger.path("routing_key").asString()).isEqualTo("R0UTING");
        assertThat(trigger.path("event_action").asString()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asString()).isEqualTo("cardwatch-incident-77");
        assertThat(trigger.path("payload").path("summary").asString())
                .isEqualTo("【Cardwatch】故障：好店 测试购买 (网站出错)");
        assertThat(trigger.path("payload").path("source").asString()).isEqualTo("cardwatch");
        assertThat(trigger.path("payload").path("severity").asString()).isEqualTo("critical");
        assertThat(trigger.path("payload").path("component").asString()).isEqualTo("good-shop");
        assertThat(resolve.propertyNames()).containsExactly("routing_key", "event_action", "dedup_key");
        assertThat(resolve.path("event_action").asString()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asString()).isEqualTo("cardwatch-incident-77");
    }

    @Test
    void pagerDutyNeverGetsATriggerAfterItsResolveThroughAnOutageAndARestart() {
        receiver.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(503)));
        List<AlertChannel> pagerDuty = List.of(new PagerDutyChannel(receiver.baseUrl() + "/v2/enqueue", "R0UTING",
                client));
        AlertHooks hooks = hooks(pagerDuty);
        hooks.enqueue(90, "opened", "a", "A", "purchase", "duplicate_charge", OPENED, OPENED, "", true);
        assertThat(hooks.deliverDue()).isZero();
        for (int minute = 1; minute <= 4; minute++) { // the trigger's backoff grows while later events queue
            clock.advance(Duration.ofMinutes(1));
            hooks.deliverDue();
        }
        Instant second = clock.instant();
        hooks.enqueue(91, "opened", "b", "B", "purchase", "timeout", second, second, "", true);
        hooks.enqueue(90, "resolved", "a", "A", "purchase", "duplicate_charge", OPENED, second, "", true);
        hooks = hooks(pagerDuty); // a restart mid-outage
        int triesDown = receiver.findAll(postRequestedFor(urlPathEqualTo("/v2/enqueue"))).size();
        assertThat(triesDown).as("one try per channel backoff, not per message").isBetween(2, 5);

        receiver.resetAll();
        receiver.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        int delivered = 0;
        for (int s = 0; s < 40 * 60 && delivered < 3; s++) {
            clock.advance(Duration.ofSeconds(1));
            delivered += hooks.deliverDue();
        }
        assertThat(delivered).as("the whole queue in the round the receiver answered").isEqualTo(3);
        List<String> events = receiver.findAll(postRequestedFor(urlPathEqualTo("/v2/enqueue"))).stream()
                .map(r -> JSON.readTree(r.getBodyAsString()))
                .map(e -> e.path("dedup_key").asString() + " " + e.path("event_action").asString()).toList();
        assertThat(events).as("in the order they happened; 90 ends resolved, 91 open").containsExactly(
                "cardwatch-incident-90 trigger", "cardwatch-incident-91 trigger", "cardwatch-incident-90 resolve");
    }

    @Test
    void aBurstOfIncidentsReachesAChatRobotAsOneMessageAndTheWebhookOneEach() {
        properties = new Binder(new MapConfigurationPropertySource(Map.of("cardwatch.hooks.group-window", "30s")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        receiver.stubFor(post("/services/T/B/X").willReturn(aResponse().withStatus(200).withBody("ok")));
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        AlertHooks hooks = hooks(List.of(new SlackChannel(receiver.baseUrl() + "/services/T/B/X", client), webhook()));
        for (int i = 1; i <= 5; i++) {
            hooks.enqueue(i, "opened", "shop-" + i, "店" + i, "purchase", "http_error", OPENED, OPENED);
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(hooks.deliverDue()).as("the webhook's five at once; the robot's held").isEqualTo(5);
        receiver.verify(0, postRequestedFor(urlPathEqualTo("/services/T/B/X")));
        clock.advance(Duration.ofSeconds(30));
        assertThat(hooks.deliverDue()).isEqualTo(5);
        String text = onlyBody("/services/T/B/X").path("text").asString();
        assertThat(text).startsWith("【Cardwatch】5 条告警\n\n【Cardwatch】故障：店1 测试购买").contains("店5");
        receiver.verify(5, postRequestedFor(urlPathEqualTo("/hook")));
    }

    @Test
    void routesDecideWhichPlatformsAndSeveritiesReachAChannel() {
        properties = new Binder(new MapConfigurationPropertySource(Map.of("cardwatch.hooks.group-window", "0s",
                "cardwatch.hooks.routes.pagerduty.severities[0]", "critical",
                "cardwatch.hooks.routes.slack.platforms[0]", "good-shop")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        receiver.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        receiver.stubFor(post("/services/T/B/X").willReturn(aResponse().withStatus(200).withBody("ok")));
        AlertHooks hooks = hooks(List.of(new PagerDutyChannel(receiver.baseUrl() + "/v2/enqueue", "R", client),
                new SlackChannel(receiver.baseUrl() + "/services/T/B/X", client)));

        hooks.enqueue(1, "opened", "good-shop", "好店", "availability", "timeout", OPENED, OPENED);
        hooks.enqueue(2, "opened", "other-shop", "别店", "purchase", "http_error", OPENED, OPENED, "", true);
        assertThat(hooks.deliverDue()).isEqualTo(2);

        assertThat(onlyBody("/v2/enqueue").path("dedup_key").asString()).as("critical only")
                .isEqualTo("cardwatch-incident-2");
        assertThat(onlyBody("/services/T/B/X").path("text").asString()).as("good-shop only").contains("好店");
    }

    @Test
    void pagerDutyWithoutARouteGetsTheMonitorsAndCriticalPlatformsIncidentsButNoWarning() {
        receiver.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        AlertHooks hooks = hooks(List.of(new PagerDutyChannel(receiver.baseUrl() + "/v2/enqueue", "R", client),
                webhook()));

        hooks.enqueue(1, "opened", "good-shop", "好店", "purchase", "http_error", OPENED, OPENED);
        hooks.enqueue(2, "opened", "vip-shop", "要店", "purchase", "http_error", OPENED, OPENED, "", true);
        hooks.enqueue(3, "opened", "_monitor", "Cardwatch 监控", "self_check", "network", OPENED, OPENED);
        hooks.deliverDue();

        List<String> paged = receiver.findAll(postRequestedFor(urlPathEqualTo("/v2/enqueue"))).stream()
                .map(r -> JSON.readTree(r.getBodyAsString()).path("dedup_key").asString()).toList();
        assertThat(paged).as("a platform's warning never pages").containsExactly("cardwatch-incident-2",
                "cardwatch-incident-3");
        assertThat(receiver.findAll(postRequestedFor(urlPathEqualTo("/hook")))).as("the webhook gets all three")
                .hasSize(3);
    }

    @Test
    void aPagerDutyKeyBesideTheRelayTokenStopsTheStartAsTwoPagingPaths() {
        properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.hooks.pagerduty-routing-key", "pdk3y", "cardwatch.hooks.relay-token", "r3lay")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hooks(List.of()))
                .hasMessageStartingWith("cardwatch.hooks.pagerduty-routing-key and cardwatch.hooks.relay-token are "
                        + "both set")
                .hasMessageNotContaining("pdk3y").hasMessageNotContaining("r3lay");
    }

    @Test
    void aRouteForAnUnknownChannelStopsTheStart() {
        properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.hooks.routes.dingding.platforms[0]", "good-shop")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hooks(List.of()))
                .hasMessage("cardwatch.hooks.routes.dingding: unknown channel (known: webhook, dingtalk, wecom, "
                        + "feishu, slack, pagerduty)");
    }

    @Test
    void secretsAreNotInTheSettingsText() {
        CardwatchProperties withSecrets = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.hooks.webhook-url", "https://hooks.example/x", "cardwatch.hooks.webhook-secret", "s3cr3t-w",
                "cardwatch.hooks.dingtalk-url", "https://oapi.dingtalk.com/robot/send?access_token=t0k3n",
                "cardwatch.hooks.dingtalk-secret", "SECs3cr3t-d", "cardwatch.hooks.pagerduty-routing-key", "pdk3y",
                "cardwatch.hooks.relay-token", "r3lay")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        assertThat(withSecrets.toString()).doesNotContain("s3cr3t-w", "t0k3n", "SECs3cr3t-d", "pdk3y", "r3lay")
                .contains("webhook=true", "dingtalk=true");
    }

    @Test
    void retriesBackOffExponentiallyWithJitter() {
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(503)));
        AlertHooks hooks = hooks(List.of(webhook()));
        hooks.enqueue(3, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        assertThat(hooks.deliverDue()).isZero();
        receiver.verify(1, postRequestedFor(urlPathEqualTo("/hook")));
        assertThat(hooks.deliverDue()).as("not due again at once").isZero();
        receiver.verify(1, postRequestedFor(urlPathEqualTo("/hook")));
        clock.advance(Duration.ofSeconds(8)); // first retry: 5 s ± 50 %
        hooks.deliverDue();
        receiver.verify(2, postRequestedFor(urlPathEqualTo("/hook")));
        clock.advance(Duration.ofSeconds(4)); // second retry: 10 s ± 50 %: at least 5 s
        hooks.deliverDue();
        receiver.verify(2, postRequestedFor(urlPathEqualTo("/hook")));
    }

    @Test
    void aReceiverThatRefusesForADayMakesADeadLetterAndOnlyARefusalDoes() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(403))); // a revoked robot
        AlertHooks hooks = hooks(List.of(webhook()));
        hooks.bindTo(registry);
        hooks.enqueue(4, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        java.util.function.Supplier<Double> dead = () -> registry.get("cardwatch.hook.dead.letters")
                .tag("channel", "webhook").counter().count();
        assertThat(dead.get()).as("the series is there before any").isZero();

        // refused every half hour for 23.5 h: still tried
        for (int i = 0; i < 48; i++) {
            hooks.deliverDue();
            clock.advance(Duration.ofMinutes(30));
        }
        assertThat(outbox.dead(10)).isEmpty();
        int tries = receiver.findAll(postRequestedFor(urlPathEqualTo("/hook"))).size();
        // past 24 h of refusals: a dead letter, counted once, and not tried again
        clock.advance(Duration.ofHours(1));
        hooks.deliverDue();
        assertThat(outbox.dead(10)).singleElement().satisfies(d -> {
            assertThat(d.channel()).isEqualTo("webhook");
            assertThat(d.lastError()).contains("HTTP 403");
            assertThat(d.refusedSince()).isEqualTo(OPENED);
        });
        assertThat(dead.get()).isEqualTo(1.0);
        assertThat(outbox.undelivered()).as("a dead letter is no backlog").isZero();
        int triesWhenDead = receiver.findAll(postRequestedFor(urlPathEqualTo("/hook"))).size();
        assertThat(triesWhenDead).isGreaterThan(tries);
        clock.advance(Duration.ofDays(2));
        hooks.deliverDue();
        receiver.verify(triesWhenDead, postRequestedFor(urlPathEqualTo("/hook")));

        // revived: tried at once, delivered once the receiver takes it
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        long id = outbox.dead(10).get(0).id();
        assertThat(outbox.revive(id, clock.instant())).isTrue();
        assertThat(hooks.deliverDue()).isEqualTo(1);
        assertThat(outbox.dead(10)).isEmpty();
        assertThat(outbox.drop(id)).as("delivered: no dead letter to drop").isFalse();
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetriedForeverAndEndARefusalStreak() {
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(429)));
        AlertHooks hooks = hooks(List.of(webhook()));
        hooks.enqueue(5, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        for (int i = 0; i < 60; i++) { // 30 h of 429
            hooks.deliverDue();
            clock.advance(Duration.ofMinutes(30));
        }
        assertThat(outbox.dead(10)).as("429: come back later, never dead").isEmpty();
        // 404 for 20 h, a 502 between, 404 for 20 h more: no streak of 24 h
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(404)));
        for (int i = 0; i < 40; i++) {
            hooks.deliverDue();
            clock.advance(Duration.ofMinutes(30));
        }
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(502)));
        clock.advance(Duration.ofHours(1));
        hooks.deliverDue();
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(404)));
        for (int i = 0; i < 40; i++) {
            hooks.deliverDue();
            clock.advance(Duration.ofMinutes(30));
        }
        assertThat(outbox.dead(10)).isEmpty();
        clock.advance(Duration.ofHours(5));
        hooks.deliverDue();
        assertThat(outbox.dead(10)).as("24 h of 404 since the 502").hasSize(1);
        assertThat(outbox.drop(outbox.dead(10).get(0).id())).isTrue();
        assertThat(outbox.dead(10)).isEmpty();
    }

    @Test
    void aRobotsRefusalInsideHttp200IsDeadLetteredItsRateLimitIsNot() {
        // a robot whose signature no longer matches answers 200 with errcode 310000, every time
        robotAnswers("{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
        DingTalkChannel ding = ding();
        AlertHooks hooks = hooks(List.of(ding));
        hooks.enqueue(8, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        for (int i = 0; i < 50; i++) { // 25 h
            hooks.deliverDue();
            clock.advance(Duration.ofMinutes(30));
        }
        hooks.deliverDue();
        assertThat(outbox.dead(10)).singleElement().satisfies(d -> {
            assertThat(d.channel()).isEqualTo("dingtalk");
            assertThat(d.lastError()).contains("DingTalk refused the message: errcode 310000")
                    .doesNotContain("tok");
        });
        assertThat(outbox.drop(outbox.dead(10).get(0).id())).isTrue();

        // one sending too fast (more than 20 a minute) is told to come back later: retried, never dead
        robotAnswers("{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}");
        hooks.enqueue(9, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        for (int i = 0; i < 60; i++) { // 30 h
            hooks.deliverDue();
            clock.advance(Duration.ofMinutes(30));
        }
        assertThat(outbox.dead(10)).as("a rate limit is no refusal").isEmpty();
        assertThat(outbox.undelivered()).isEqualTo(1);
        robotAnswers("{\"errcode\":0,\"errmsg\":\"ok\"}");
        clock.advance(Duration.ofHours(1));
        assertThat(hooks.deliverDue()).isEqualTo(1);
    }

    @Test
    void theBacklogIsGaugedPerChannelWithItsOldestMessagesWait() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(502)));
        AlertHooks hooks = hooks(List.of(webhook()));
        hooks.bindTo(registry);
        hooks.enqueue(10, "opened", "a", "A", "purchase", "http_error", OPENED, OPENED);
        clock.advance(Duration.ofMinutes(4));
        hooks.enqueue(11, "opened", "b", "B", "purchase", "http_error", OPENED, OPENED);
        clock.advance(Duration.ofMinutes(6));
        hooks.deliverDue();
        // ten minutes since the first was queued, neither delivered
        assertThat(registry.get("cardwatch.hook.queued").tag("channel", "webhook").gauge().value()).isEqualTo(2);
        assertThat(registry.get("cardwatch.hook.oldest.queued").tag("channel", "webhook").gauge().value())
                .isEqualTo(600);
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        clock.advance(Duration.ofMinutes(5));
        assertThat(hooks.deliverDue()).isEqualTo(2);
        assertThat(outbox.backlog()).as("nothing waits").isEmpty();
    }

    @Test
    void aChannelLeftLeasedByAnInstanceThatDiedGoesToAnotherAfterAMinuteAndALongRoundKeepsItsLease() {
        RecordingChannel survivor = new RecordingChannel("webhook");
        AlertHooks other = hooks(List.of(survivor));
        other.enqueue(1, "opened", "good-shop", "好店", "purchase", "http_error", OPENED, OPENED);
        // an instance took the channel's lease for a round and died in it
        assertThat(outbox.lease("webhook", "dead-instance", clock.instant(), clock.instant().plus(
                AlertHooks.LEASE))).isTrue();
        assertThat(other.deliverDue()).isZero();
        clock.advance(Duration.ofSeconds(50));
        assertThat(other.deliverDue()).as("the lease still holds").isZero();
        clock.advance(Duration.ofSeconds(11));
        assertThat(other.deliverDue()).as("a minute after it was taken").isEqualTo(1);
        assertThat(survivor.sent()).extracting(Notice::event).containsExactly("opened");

        // a round whose sends take 50 s each renews its lease before each: the other instance waits it out
        List<Integer> othersDuring = new ArrayList<>();
        RecordingChannel second = new RecordingChannel("webhook");
        AlertHooks[] rival = new AlertHooks[1];
        AlertHooks slow = hooks(List.of(new AlertChannel() {
            @Override
            public String name() {
                return "webhook";
            }

            @Override
            public void send(Notice notice) {
                clock.advance(Duration.ofSeconds(50));
                othersDuring.add(rival[0].deliverDue());
            }
        }));
        rival[0] = hooks(List.of(second));
        for (int incident = 2; incident <= 4; incident++) {
            slow.enqueue(incident, "opened", "good-shop", "好店", "purchase", "http_error", OPENED, OPENED);
        }
        assertThat(slow.deliverDue()).isEqualTo(3);
        assertThat(othersDuring).as("150 s of sends, never taken over").containsExactly(0, 0, 0);
        assertThat(second.sent()).isEmpty();
    }
}
