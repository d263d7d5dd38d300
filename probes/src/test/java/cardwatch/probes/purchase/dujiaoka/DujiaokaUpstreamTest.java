package cardwatch.probes.purchase.dujiaoka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Credentials;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.PayerSettings;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Probes;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.MemoryNotifyInbox;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.PurchaseProbe;
import cardwatch.probes.purchase.PurchaseSpec;
import cardwatch.probes.purchase.storefront.CheckoutPayer;
import cardwatch.probes.purchase.storefront.Payment;
import cardwatch.probes.purchase.storefront.StoreOrder;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dujiaoka checkout against pages shaped as dujiaoka 9f5467ad (unicorn) and Rainbow epay 2479c4d render them
 * ({@code src/test/resources/upstream/dujiaoka}, {@code .../epay}): the CSRF token and session cookie, the bill's
 * amount and pay link, the yipay hand-off form, the gateway's jump and QR page. Every refusal of our request is our
 * error; the gateway's refusals of the store's trade are the platform's.
 */
class DujiaokaUpstreamTest {

    private static final HttpLimits LIMITS = new HttpLimits(Duration.ofMillis(500), Duration.ofMillis(800),
            Duration.ofSeconds(2), 256 * 1024, 3);
    private static final String SN = "JFB6ZPNWRF7PZ1QS";
    private static final String TOKEN = "Y3NyZi10b2tlbi1mb3ItdGhpcy12aXNpdA";

    private WireMockServer store;
    private WireMockServer gateway;

    @BeforeEach
    void start() {
        store = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        gateway = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        store.start();
        gateway.start();
        store.stubFor(get(urlPathEqualTo("/buy/3")).willReturn(page("dujiaoka/buy.html", Map.of())
                .withHeader("Set-Cookie", "XSRF-TOKEN=eyJpdiI6IjEifQ%3D%3D; path=/; samesite=lax")
                .withHeader("Set-Cookie", "laravel_session=visit0123456789; path=/; httponly; samesite=lax")));
        store.stubFor(post(urlPathEqualTo("/create-order")).atPriority(10)
                .willReturn(page("dujiaoka/419.html", Map.of()).withStatus(419)));
        store.stubFor(post(urlPathEqualTo("/create-order")).atPriority(1)
                .withRequestBody(containing("_token=" + TOKEN))
                .withHeader("Cookie", containing("laravel_session=visit0123456789"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", base() + "bill/" + SN)));
        bill("1.00");
        store.stubFor(get(urlPathMatching("/pay-gateway/.*")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", base() + "pay/yipay/alipay/" + SN)));
        store.stubFor(get(urlPathEqualTo("/pay/yipay/alipay/" + SN)).willReturn(page("dujiaoka/yipay.html",
                Map.of())));
        gateway.stubFor(get(urlPathEqualTo("/submit.php")).atPriority(10).willReturn(aResponse().withStatus(404)));
        gateway.stubFor(get(urlPathEqualTo("/submit.php")).atPriority(1).withHeader("Accept", matching(".+"))
                .withHeader("User-Agent", matching("^(?!.*(python|libcurl|Go-http-client)).+$"))
                .willReturn(page("epay/submit-jump.html", Map.of())));
        qrcode("1", SN);
    }

    @AfterEach
    void stop() {
        store.stop();
        gateway.stop();
    }

    private String base() {
        return "http://127.0.0.1:" + store.port() + "/";
    }

    private String gatewayBase() {
        return "http://127.0.0.1:" + gateway.port() + "/";
    }

    private String text(String file) {
        try (InputStream in = getClass().getResourceAsStream("/upstream/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{base}}", base())
                    .replace("{{gateway}}", gatewayBase());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ResponseDefinitionBuilder page(String file, Map<String, String> slots) {
        String text = text(file);
        for (Map.Entry<String, String> slot : slots.entrySet()) {
            text = text.replace("{{" + slot.getKey() + "}}", slot.getValue());
        }
        return aResponse().withStatus(200).withHeader("Content-Type", "text/html; charset=UTF-8").withBody(text);
    }

    private void bill(String price) {
        store.stubFor(get(urlPathEqualTo("/bill/" + SN)).willReturn(page("dujiaoka/bill.html",
                Map.of("price", price))));
    }

    private void qrcode(String amount, String name) {
        gateway.stubFor(get(urlPathEqualTo("/pay/qrcode/2026120111400512345/")).willReturn(page("epay/qrcode.html",
                Map.of("amount", amount, "name", name))));
    }

    private PlatformSettings platform() {
        PurchaseSpec spec = new PurchaseSpec("3", new BigDecimal("1.00"), new BigDecimal("1.20"), "18866667777", null,
                Duration.ofMillis(600), Duration.ofMillis(900), Duration.ofMillis(100), Duration.ofMillis(200));
        return new PlatformSettings("dujiao-" + System.nanoTime(), URI.create(base()), "dujiaoka", "",
                new Credentials(Map.of()), spec, new PayerSettings(CheckoutPayer.KIND, URI.create(gatewayBase()), null,
                        "1", null), Map.of());
    }

    private ProbeResult run() throws InterruptedException {
        return new PurchaseProbe(Probes.protocols()).run(platform(), new ProbeContext(Clock.systemUTC(),
                new HttpTransport(LIMITS), new MemoryNotifyInbox(), "CWDUJIAO0001", URI.create("http://127.0.0.1:9/")));
    }

    @Test
    void theCheckoutCarriesTheTokenFollowsThePayRouteToTheGatewaysPageAndPaysNothing() throws Exception {
        ProbeResult result = run();

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.flags()).containsExactly(Flag.CHECKOUT_ONLY);
        assertThat(result.delivery()).as("a checkout never claims a delivery").isNull();
        assertThat(result.amountCharged()).as("nothing was paid").isNull();
        assertThat(result.platformOrderNo()).isEqualTo(SN);
        assertThat(result.evidence()).contains("checkout only, nothing paid").contains("2026120111400512345");
        store.verify(postRequestedFor(urlPathEqualTo("/create-order"))
                .withRequestBody(containing("gid=3")).withRequestBody(containing("payway=1"))
                .withRequestBody(containing("by_amount=1")).withRequestBody(containing("email=")));
        gateway.verify(getRequestedFor(urlPathEqualTo("/submit.php"))
                .withQueryParam("out_trade_no", com.github.tomakehurst.wiremock.client.WireMock.equalTo(SN))
                .withQueryParam("money", com.github.tomakehurst.wiremock.client.WireMock.equalTo("1")));
        gateway.verify(getRequestedFor(urlPathEqualTo("/pay/qrcode/2026120111400512345/")));
    }

    @Test
    void aTokenTheStoreRefusesIs419AndOurMismatch() throws Exception {
        store.stubFor(get(urlPathEqualTo("/buy/3")).willReturn(page("dujiaoka/buy.html", Map.of())
                .withHeader("Set-Cookie", "laravel_session=another-visit; path=/")));

        ProbeResult result = run();

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ERROR);
        assertThat(result.reason()).isEqualTo(Reason.PROTOCOL_MISMATCH);
        assertThat(result.evidence()).contains("419");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "请选择支付方式, error, protocol_mismatch",
            "请正确填写邮箱, error, protocol_mismatch",
            "图形验证码错误, error, captcha",
            "该商品未上架！, error, config",
            "库存不足, failure, out_of_stock"})
    void theStoresErrorPageIsReadAndOnlyStockAndRiskAreThePlatformsFailures(String message, String outcome,
            String reason) throws Exception {
        store.stubFor(post(urlPathEqualTo("/create-order")).atPriority(1).willReturn(page("dujiaoka/error.html",
                Map.of("message", message))));

        ProbeResult result = run();

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.valueOf(outcome.toUpperCase()));
        assertThat(result.reason()).isEqualTo(Reason.fromLabel(reason));
        assertThat(result.evidence()).contains(message);
    }

    /** The buy page as it is with 图形验证码 on ({@code is_open_img_code}): the captcha input inside the form. */
    @Test
    void aCaptchaOnTheBuyPageIsOurCaptchaErrorAndNoOrderIsPlaced() throws Exception {
        String captcha = "<div class=\"col-12 col-md-6\"><label for=\"verifyCode\" class=\" col-form-label\">图形验证码:"
                + "</label><div class=\"input-group\"><input type=\"text\" name=\"img_verify_code\" "
                + "class=\"form-control form-control-sm\" id=\"verifyCode\" required placeholder=\"\"><img "
                + "src=\"" + base() + "captcha/buy1701000000\" height=\"33px\" alt=\"图形验证码\" id=\"imageCode\">"
                + "</div></div>";
        store.stubFor(get(urlPathEqualTo("/buy/3")).willReturn(page("dujiaoka/buy.html", Map.of()).withBody(
                text("dujiaoka/buy.html").replace("<div class=\"mt-2 text-center\">", captcha
                        + "<div class=\"mt-2 text-center\">"))));

        ProbeResult result = run();

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.CAPTCHA);
        assertThat(store.findAll(postRequestedFor(urlPathEqualTo("/create-order")))).isEmpty();
    }

    /** The bill's 实际支付价格 is read: 99.00 against a cap of 1.20 is refused and the pay route never followed. */
    @Test
    void aBillAboveThePriceCapIsNeverTakenToTheGateway() throws Exception {
        bill("99.00");

        ProbeResult result = run();

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ERROR);
        assertThat(result.reason()).isEqualTo(Reason.CONFIG);
        assertThat(result.evidence()).contains("99.00").contains("最高成本");
        assertThat(store.findAll(getRequestedFor(urlPathMatching("/pay-gateway/.*")))).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "签名校验失败，请返回重试！, payment_failed",
            "该域名不可发起支付，原因：域名没过白，请前往支付平台授权支付域名, payment_failed",
            "该商品禁止出售, risk_rejected",
            "你今天已无法再发起支付，请明天再试, risk_rejected"})
    void theGatewaysRefusalOfTheStoresTradeIsThePlatformsFailure(String message, String reason) throws Exception {
        gateway.stubFor(get(urlPathEqualTo("/submit.php")).atPriority(1).willReturn(page("epay/sysmsg.html",
                Map.of("message", message))));

        ProbeResult result = run();

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.FAILURE);
        assertThat(result.reason()).isEqualTo(Reason.fromLabel(reason));
        assertThat(result.evidence()).contains(message);
    }

    @Test
    void aGatewayPageAskingAnotherAmountIsThePlatformsFailure() throws Exception {
        qrcode("1.05", SN);

        ProbeResult result = run();

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.PAYMENT_FAILED);
        assertThat(result.evidence()).contains("1.05");
    }

    @Test
    void aHandOffToAnotherHostThanTheConfiguredGatewayIsOurConfigurationError() throws Exception {
        store.stubFor(get(urlPathEqualTo("/pay/yipay/alipay/" + SN)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=UTF-8").withBody("<form id='alipaysubmit' "
                        + "action='http://pay.elsewhere.invalid/submit.php' method='get'><input type='hidden' "
                        + "name='out_trade_no' value='" + SN + "'/></form><script>document.forms['alipaysubmit']"
                        + ".submit();</script>")));

        ProbeResult result = run();

        assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.CONFIG);
        assertThat(result.evidence()).contains("pay.elsewhere.invalid");
    }

    /** A gateway that hands the buyer straight on to its payment provider still took the trade. */
    @Test
    void aGatewayHandingTheBuyerOnToItsProviderIsACheckoutThatShowsWhereItWent() throws Exception {
        gateway.stubFor(get(urlPathEqualTo("/submit.php")).atPriority(1).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "https://openapi.alipay.com/gateway.do?charset=utf-8&method=alipay.trade")));

        ProbeResult result = run();

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.evidence()).contains("openapi.alipay.com").contains("nothing paid");
    }

    /** After a restart the order is found by our contact and search password, behind the same CSRF check. */
    @Test
    void anOrderIsFoundAgainByEmailWithTheSearchFormsToken() throws Exception {
        store.stubFor(get(urlPathEqualTo("/order-search")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html; charset=UTF-8")
                .withHeader("Set-Cookie", "laravel_session=search0123; path=/")
                .withBody("<form action=\"" + base() + "search-order-by-email\" method=\"post\">"
                        + "<input type=\"hidden\" name=\"_token\" value=\"c2VhcmNoLXRva2Vu\">"
                        + "<input type=\"email\" name=\"email\"></form>")));
        store.stubFor(post(urlPathEqualTo("/search-order-by-email")).atPriority(10)
                .willReturn(page("dujiaoka/419.html", Map.of()).withStatus(419)));
        store.stubFor(post(urlPathEqualTo("/search-order-by-email")).atPriority(1)
                .withRequestBody(containing("_token=c2VhcmNoLXRva2Vu"))
                .withHeader("Cookie", containing("laravel_session=search0123"))
                .willReturn(page("dujiaoka/orderinfo.html", Map.of("badge",
                        "<span class=\"badge bg-success\">已完成</span>", "info", "KMFOUND012345"))));
        var protocol = Probes.protocols().get("dujiaoka");

        var answer = protocol.query(platform(), new ProbeContext(Clock.systemUTC(), new HttpTransport(LIMITS),
                new MemoryNotifyInbox(), "CWNEVERSEEN01", URI.create("http://127.0.0.1:9/")));

        assertThat(answer).isInstanceOfSatisfying(cardwatch.probes.purchase.QueryAnswer.Found.class, found -> {
            assertThat(found.status().state()).isEqualTo(OrderStatus.State.SUCCESS);
            assertThat(found.status().code()).isEqualTo("KMFOUND012345");
            assertThat(found.status().platformOrderNo()).isEqualTo(SN);
        });
        store.verify(postRequestedFor(urlPathEqualTo("/search-order-by-email"))
                .withRequestBody(containing("email=cwneverseen01%40cardwatch.invalid")));
    }

    /** The order page's badge after 订单状态, and the 卡密 in its textarea. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            <span class="badge bg-secondary">待支付</span> |                               | UNPAID     | 待支付
            <span class="badge bg-info">待处理</span>      |                               | PROCESSING | 待处理
            <span class="badge bg-primary">处理中</span>   |                               | PROCESSING | 处理中
            <span class="badge bg-success">已完成</span>   | KM0123456789                  | SUCCESS    | 已完成
            <span class="badge bg-danger">失败</span>      |                               | FAILED     | 失败
            <span class="badge bg-danger">异常</span>      | 库存可使用卡密不足，请联系管理员核查 | FAILED     | 异常: 库存可使用卡密不足，请联系管理员核查
            <span class="badge bg-dark">已过期</span>      |                               | EXPIRED    | 已过期
            """)
    void theOrderPageIsReadAsTheStoreRendersIt(String badge, String info, OrderStatus.State state, String words)
            throws Exception {
        String html;
        try (InputStream in = getClass().getResourceAsStream("/upstream/dujiaoka/orderinfo.html")) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{badge}}", badge)
                    .replace("{{info}}", info == null ? "" : info);
        }

        List<StoreOrder> orders = DujiaokaStorefront.orders(Jsoup.parse(html), new Payment("", "", null));

        assertThat(orders).singleElement().satisfies(order -> {
            assertThat(order.orderNo()).isEqualTo(SN);
            assertThat(order.status().state()).isEqualTo(state);
            assertThat(order.status().statusText()).isEqualTo(words);
            assertThat(order.payment().amount()).isEqualByComparingTo("1.00");
            if (state == OrderStatus.State.SUCCESS) {
                assertThat(order.status().code()).isEqualTo(info);
            }
        });
    }
}
