package cardwatch.probes.purchase.acgfaka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Credentials;
import cardwatch.probes.Outcome;
import cardwatch.probes.PayerSettings;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Probes;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import cardwatch.probes.purchase.PurchaseProbe;
import cardwatch.probes.purchase.PurchaseProtocol;
import cardwatch.probes.purchase.PurchaseSpec;
import cardwatch.probes.purchase.QueryAnswer;
import cardwatch.probes.purchase.storefront.BalancePayer;
import cardwatch.probes.purchase.storefront.StoreCaptchaSolver;
import cardwatch.probes.purchase.storefront.StorefrontProtocol;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The acg-faka adapter against answers recorded from real acg-faka 3.6.0 and 3.0.0 stores
 * ({@code src/test/resources/upstream/acg-faka}), served as they came: each request is checked for what the real store
 * needs (a form body, the product field of its release, pay id 1 for the balance, the session cookie, a Referer of the
 * store's own host, a request_no that fits char(19)), and each refusal that means our request was wrong is our error,
 * never the platform's failure.
 */
class AcgFakaUpstreamTest {

    private static final HttpLimits LIMITS = new HttpLimits(Duration.ofMillis(500), Duration.ofMillis(800),
            Duration.ofSeconds(2), 256 * 1024, 3);
    private static final String SESSION = "ZXlKMGVYQWlPaUpLVjFRaUxDSjFhV1FpT2pFd01EQj9%3D";

    private WireMockServer store;
    private final MemoryNotifyInbox inbox = new MemoryNotifyInbox();

    @BeforeEach
    void start() {
        store = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        store.start();
        store.stubFor(post(urlPathEqualTo("/user/api/authentication/login")).willReturn(json("3.6-login-ok.json")
                .withHeader("Set-Cookie", "USER_SESSION=" + SESSION + "; expires=Thu, 31 Dec 2099 03:21:15 GMT; "
                        + "Max-Age=2592000; path=/; SameSite=Lax")
                .withHeader("Set-Cookie", "ACG-SHOP=qtcvfaslntgt827eg2e6urn05i; path=/")));
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    private static String answer(String file) {
        try (InputStream in = AcgFakaUpstreamTest.class.getResourceAsStream("/upstream/acg-faka/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String file) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/html; charset=UTF-8")
                .withBody(answer(file));
    }

    private void trade(String file) {
        store.stubFor(post(urlPathEqualTo("/user/api/order/trade")).willReturn(json(file)));
    }

    private void records(String file) {
        store.stubFor(post(urlPathEqualTo("/user/api/purchaseRecord/data")).willReturn(json(file)));
    }

    private PlatformSettings platform(String version, String product) {
        PurchaseSpec spec = new PurchaseSpec(product, new BigDecimal("1.00"), new BigDecimal("1.20"), "18866667777",
                null, Duration.ofMillis(600), Duration.ofMillis(900), Duration.ofMillis(100), Duration.ofMillis(200));
        return new PlatformSettings("acg-" + System.nanoTime(), URI.create(store.baseUrl() + "/"), "acg-faka", "",
                new Credentials(Map.of("store-login", "cardwatch", "store-password", "secret-pass-1")), spec,
                new PayerSettings(BalancePayer.KIND, null, null, null, null), Map.of("version", version));
    }

    private ProbeResult run(PlatformSettings platform, String clientOrderId) throws InterruptedException {
        return run(Probes.protocols(), platform, clientOrderId);
    }

    private ProbeResult run(Map<String, PurchaseProtocol> protocols, PlatformSettings platform, String clientOrderId)
            throws InterruptedException {
        return new PurchaseProbe(protocols).run(platform, context(clientOrderId));
    }

    private ProbeContext context(String clientOrderId) {
        return new ProbeContext(Clock.systemUTC(), new HttpTransport(LIMITS), inbox, clientOrderId,
                URI.create("http://127.0.0.1:9/notify"));
    }

    @Test
    void aBalancePurchaseOn36IsAFormPostWithItemIdPayId1AndTheSessionAndIsDeliveredInTheAnswer() throws Exception {
        trade("3.6-trade-balance.json");

        ProbeResult result = run(platform("3.6.0", "2"), "CW0123456789ABCDEF0123456789");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.platformOrderNo()).isEqualTo("999261201112120797");
        assertThat(result.amountCharged()).isEqualByComparingTo("1");
        assertThat(result.evidence()).contains("KM").doesNotContain("KMREALCARD0001");
        store.verify(postRequestedFor(urlPathEqualTo("/user/api/authentication/login"))
                .withRequestBody(containing("username=cardwatch")).withRequestBody(containing("password=secret-pass-1")));
        store.verify(postRequestedFor(urlPathEqualTo("/user/api/order/trade"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withHeader("Cookie", containing("USER_SESSION=" + SESSION))
                .withHeader("Referer", equalTo(store.baseUrl() + "/"))
                .withRequestBody(containing("item_id=2")).withRequestBody(containing("pay_id=1"))
                .withRequestBody(containing("num=1"))
                .withRequestBody(containing("request_no=CW0123456789ABCDEF0&")));
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/user/api/purchaseRecord/data"))))
                .as("delivered in the answer: nothing to ask").isEmpty();
    }

    @Test
    void aBalancePurchaseOn30SendsCommodityIdAndReadsItsAnswers() throws Exception {
        trade("3.0-trade-balance.json");

        ProbeResult result = run(platform("3.0.0", "2"), "CWOLD0002");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.platformOrderNo()).isEqualTo("992261201033200865");
        store.verify(postRequestedFor(urlPathEqualTo("/user/api/order/trade"))
                .withRequestBody(containing("commodity_id=2")));
    }

    /** Paid, not delivered (正在发货中…): the records say delivery_status 0 until the owner delivers. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"3.6.0, 3.6-trade-manual.json, 3.6-record-manual.json, CWREAL0005",
            "3.0.0, 3.0-trade-manual.json, 3.0-record-manual.json, CWOLD0003"})
    void paidButNotDeliveredIsStuckAtTheDeadline(String version, String tradeFile, String recordFile, String id)
            throws Exception {
        trade(tradeFile);
        records(recordFile);

        ProbeResult result = run(platform(version, "1"), id);

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.STUCK_PROCESSING);
        assertThat(result.evidence()).contains("正在发货中");
        store.verify(postRequestedFor(urlPathEqualTo("/user/api/purchaseRecord/data"))
                .withHeader("Referer", equalTo(store.baseUrl() + "/"))
                .withRequestBody(containing("equal-request_no=" + id)));
    }

    @Test
    void anOrderDeliveredLaterIsFoundDeliveredInTheRecords() throws Exception {
        trade("3.6-trade-manual.json");
        store.stubFor(post(urlPathEqualTo("/user/api/purchaseRecord/data")).inScenario("delivery")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(json("3.6-record-manual.json"))
                .willSetStateTo("delivered"));
        store.stubFor(post(urlPathEqualTo("/user/api/purchaseRecord/data")).inScenario("delivery")
                .whenScenarioStateIs("delivered").willReturn(aResponse().withStatus(200)
                        .withBody(answer("3.6-record-manual.json").replace("\"delivery_status\":0",
                                "\"delivery_status\":1").replace("正在发货中，请耐心等待，如有疑问，请联系客服。",
                                "KMHANDDELIVERED01"))));

        ProbeResult result = run(platform("3.6.0", "1"), "CWREAL0005");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.delivery()).isNotNull();
    }

    /** Each refusal that means our request was not understood, or that we are asked what we cannot give. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "3.6-trade-commodity-id.json, protocol_mismatch",
            "3.6-trade-json-body.json, protocol_mismatch",
            "3.0-trade-item-id.json, protocol_mismatch",
            "3.6-trade-pay-id-0.json, protocol_mismatch",
            "3.6-login-captcha.json, captcha",
            "3.6-trade-guest-balance.json, credentials"})
    void aRefusalOfOurRequestIsOurErrorNeverThePlatformsFailure(String file, String reason) throws Exception {
        trade(file);

        ProbeResult result = run(platform("3.6.0", "2"), "CWREFUSED01");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ERROR);
        assertThat(result.reason()).isEqualTo(Reason.fromLabel(reason));
        assertThat(result.evidence()).contains(answer(file).replaceAll(".*\"msg\":\"([^\"]*)\".*", "$1"));
    }

    @Test
    void outOfStockIsThePlatformsFailure() throws Exception {
        trade("3.6-trade-out-of-stock.json");

        ProbeResult result = run(platform("3.6.0", "2"), "CWSTOCK01");

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.reason()).isEqualTo(Reason.OUT_OF_STOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"3.6-login-wrong-password.json", "3.6-login-unknown-user.json", "3.6-login-captcha.json"})
    void aLoginTheStoreRefusesIsOurErrorAndNoOrderIsSent(String file) throws Exception {
        store.stubFor(post(urlPathEqualTo("/user/api/authentication/login")).willReturn(json(file)));
        trade("3.6-trade-balance.json");

        ProbeResult result = run(platform("3.6.0", "2"), "CWLOGIN01");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ERROR);
        assertThat(result.reason()).isIn(Reason.CREDENTIALS, Reason.CAPTCHA);
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/user/api/order/trade")))).isEmpty();
    }

    @Test
    void aCaptchaIsSolvedWhenASolverIsPluggedIn() throws Exception {
        store.stubFor(post(urlPathEqualTo("/user/api/order/trade")).withRequestBody(containing("captcha=4711"))
                .willReturn(json("3.6-trade-balance.json")));
        store.stubFor(post(urlPathEqualTo("/user/api/order/trade")).atPriority(10)
                .willReturn(json("3.6-login-captcha.json")));
        store.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/user/captcha/image"))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(new byte[] {1, 2, 3})));
        StoreCaptchaSolver solver = (platform, purpose, image, type) -> purpose.equals("trade") && image.length == 3
                ? Optional.of("4711") : Optional.empty();
        Map<String, PurchaseProtocol> protocols = Map.of("acg-faka", new StorefrontProtocol(
                new AcgFakaStorefront(solver), List.of(new BalancePayer())));

        ProbeResult result = run(protocols, platform("3.6.0", "2"), "CWCAPTCHA01");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/user/api/order/trade")))).hasSize(2);
    }

    /** "The request ID already exists": the order is ours from before (a crash); it is looked up, never re-placed. */
    @Test
    void aDuplicateRequestIdLeadsToTheRecordsAndTheOrderFoundThere() throws Exception {
        trade("3.6-trade-duplicate.json");
        records("3.6-record.json");

        ProbeResult result = run(platform("3.6.0", "2"), "CWREAL0001");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.platformOrderNo()).isEqualTo("999261201112120797");
        assertThat(result.evidence()).contains("The request ID already exists");
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/user/api/order/trade")))).hasSize(1);
    }

    @Test
    void aDuplicateRequestIdWhoseOrderIsNowhereIsOurInternalError() throws Exception {
        trade("3.6-trade-duplicate.json");
        records("3.6-record-empty.json");

        ProbeResult result = run(platform("3.6.0", "2"), "CWREAL0001");

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ERROR);
        assertThat(result.reason()).isEqualTo(Reason.INTERNAL);
    }

    /** A new login elsewhere ends our session: the store says so, we log in again and ask again. */
    @Test
    void anEndedSessionIsLoggedInAgain() throws Exception {
        trade("3.6-trade-manual.json");
        store.stubFor(post(urlPathEqualTo("/user/api/purchaseRecord/data")).inScenario("session")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(json("3.6-record-session-expired.json"))
                .willSetStateTo("again"));
        store.stubFor(post(urlPathEqualTo("/user/api/purchaseRecord/data")).inScenario("session")
                .whenScenarioStateIs("again").willReturn(json("3.6-record-manual.json")));

        ProbeResult result = run(platform("3.6.0", "1"), "CWREAL0005");

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.STUCK_PROCESSING);
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/user/api/authentication/login")))).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"3.6.0, 3.6-bill.json, 8.1", "3.0.0, 3.0-bill.json, 8.1"})
    void theBalanceIsTheNewestBillsBalance(String version, String file, BigDecimal balance) throws Exception {
        store.stubFor(post(urlPathEqualTo("/user/api/bill/data")).willReturn(json(file)));
        PlatformSettings platform = platform(version, "2");

        BalanceAnswer answer = Probes.protocols().get("acg-faka").balance(platform, context("CWBALANCE"));

        assertThat(answer).isEqualTo(new BalanceAnswer.Known(balance));
        store.verify(postRequestedFor(urlPathEqualTo("/user/api/bill/data"))
                .withRequestBody(containing("equal-currency=0")).withHeader("Referer", equalTo(store.baseUrl() + "/")));
    }

    /** The store allows 30 queries in 10 minutes per address; Cardwatch asks at most 20, then waits. */
    @Test
    void lookupsStayBelowTheStoresRateLimit() throws Exception {
        records("3.6-record-manual.json");
        PlatformSettings platform = platform("3.6.0", "1");
        PurchaseProtocol protocol = Probes.protocols().get("acg-faka");

        List<QueryAnswer> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            answers.add(protocol.query(platform, context("CWREAL0005")));
        }

        assertThat(answers.subList(0, AcgFakaStorefront.LOOKUPS_PER_WINDOW)).allMatch(QueryAnswer.Found.class::isInstance);
        assertThat(answers.subList(AcgFakaStorefront.LOOKUPS_PER_WINDOW, 25)).allMatch(QueryAnswer.Deferred.class::isInstance);
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/user/api/purchaseRecord/data"))))
                .hasSize(AcgFakaStorefront.LOOKUPS_PER_WINDOW);
    }
}
