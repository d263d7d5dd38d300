package cardwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated gateway keeps the real gateway's promises (Rainbow_Epay's mapi.php, submit.php, api.php). */
class EpayGatewayTest {

    private static final Map<String, String> BROWSER = Map.of("user-agent", "Mozilla/5.0", "accept", "text/html");

    private static SimRequest form(String path, Map<String, String> form) {
        return new SimRequest("POST", path, Map.of(), form, "", Map.of());
    }

    private static Map<String, String> open(String outTradeNo, String money) {
        Map<String, String> open = new LinkedHashMap<>();
        open.put("pid", EpayGateway.MERCHANT_PID);
        open.put("type", "alipay");
        open.put("out_trade_no", outTradeNo);
        open.put("notify_url", "http://127.0.0.1:1/notify");
        open.put("return_url", "http://127.0.0.1:1/return");
        open.put("name", "1元话费卡");
        open.put("money", money);
        open.put("sign", EpayGateway.sign(open, "merchant-key"));
        return open;
    }

    @Test
    void aRepeatedOutTradeNoGetsTheSameTradeBackAndChangedParametersAreRefused() {
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1)) {
            String first = gateway.handle(form("/mapi.php", open("SN1", "0.98"))).body();
            String second = gateway.handle(form("/mapi.php", open("SN1", "0.98"))).body();
            String changed = gateway.handle(form("/mapi.php", open("SN1", "1.98"))).body();

            assertThat(first).contains("\"code\":1").contains("\"trade_no\"").contains("\"payurl\"");
            assertThat(second).isEqualTo(first);
            assertThat(changed).contains("支付参数有变化");
            assertThat(gateway.trades()).hasSize(1);
        }
    }

    @Test
    void submitPhpAnswers404ToAClientWithoutAcceptOrWithALibraryAgent() {
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1)) {
            Map<String, String> params = open("SN2", "1");
            assertThat(gateway.handle(new SimRequest("GET", "/submit.php", params, Map.of(), "",
                    Map.of("user-agent", "Mozilla/5.0"))).status()).isEqualTo(404);
            assertThat(gateway.handle(new SimRequest("GET", "/submit.php", params, Map.of(), "",
                    Map.of("user-agent", "python-requests/2.31", "accept", "*/*"))).status()).isEqualTo(404);
            SimAnswer page = gateway.handle(new SimRequest("GET", "/submit.php", params, Map.of(), "", BROWSER));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("window.location.replace('/pay/qrcode/");
        }
    }

    @Test
    void thereIsNoWalletInPayPhpAndApiOrderAnswersOnlyTheMerchantsOwnTradesByGet() {
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1)) {
            gateway.handle(form("/mapi.php", open("SN3", "0.98")));
            String tradeNo = gateway.trades().get(0).tradeNo;
            Map<String, String> pay = new LinkedHashMap<>(Map.of("payer_id", EpayGateway.PAYER_ID,
                    "trade_no", tradeNo, "money", "0.98"));
            pay.put("sign", EpayGateway.sign(pay, "payer-key"));

            assertThat(gateway.handle(new SimRequest("POST", "/pay.php", Map.of(), pay, "", BROWSER)).body())
                    .isEqualTo("404 Not Found");
            assertThat(gateway.handle(new SimRequest("GET", "/api.php", Map.of("act", "order", "pid",
                    EpayGateway.PAYER_ID, "key", "payer-key", "trade_no", tradeNo), Map.of(), "", Map.of())).body())
                    .contains("商户ID不存在");
            assertThat(gateway.handle(new SimRequest("POST", "/api.php", Map.of(), Map.of("act", "order", "pid",
                    EpayGateway.MERCHANT_PID, "key", "merchant-key", "trade_no", tradeNo), "", Map.of())).body())
                    .contains("No Act");
            assertThat(gateway.handle(new SimRequest("GET", "/api.php", Map.of("act", "order", "pid",
                    EpayGateway.MERCHANT_PID, "key", "merchant-key", "trade_no", tradeNo), Map.of(), "", Map.of()))
                    .body()).contains("\"status\":0");
        }
    }

    @Test
    void payingAPaidTradeAgainChargesNothingMore() {
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1)) {
            gateway.handle(form("/mapi.php", open("SN4", "0.98")));
            String tradeNo = gateway.trades().get(0).tradeNo;
            Map<String, String> pay = new LinkedHashMap<>(Map.of("payer_id", EpayGateway.PAYER_ID,
                    "trade_no", tradeNo, "money", "0.98"));
            pay.put("sign", EpayGateway.sign(pay, "payer-key"));

            gateway.handle(form("/sim/wallet/pay", pay));
            gateway.handle(form("/sim/wallet/pay", pay));

            assertThat(gateway.wallet()).isEqualByComparingTo("999.02");
        }
    }

    /**
     * cron.php: a notify answered without "success" is sent again 1, 2, 16 and 36 minutes apart, then given up; a
     * minute here lasts 20 ms. Each carries money as PHP prints it and the param the store gave.
     */
    @Test
    void aNotifyTheStoreRefusesIsRetriedOnCronsScheduleThenGivenUp() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer store = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        store.createContext("/notify", exchange -> {
            seen.add(exchange.getRequestURI().getRawQuery());
            byte[] body = "fail".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        store.start();
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1, java.time.Duration.ofMillis(20))) {
            Map<String, String> open = open("SN5", "1.00");
            open.put("notify_url", "http://127.0.0.1:" + store.getAddress().getPort() + "/notify");
            open.put("param", "cw-param");
            open.put("sign", EpayGateway.sign(open, "merchant-key"));
            gateway.handle(form("/mapi.php", open));
            Map<String, String> pay = new LinkedHashMap<>(Map.of("payer_id", EpayGateway.PAYER_ID,
                    "trade_no", gateway.trades().get(0).tradeNo, "money", "1.00"));
            pay.put("sign", EpayGateway.sign(pay, "payer-key"));

            gateway.handle(form("/sim/wallet/pay", pay));

            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (gateway.notifiesSent() < 5 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertThat(gateway.notifiesSent()).as("the first try and four retries, then no more").isEqualTo(5);
            assertThat(seen).hasSize(5).allSatisfy(query -> assertThat(query).contains("money=1&")
                    .contains("param=cw-param").contains("trade_status=TRADE_SUCCESS"));
        } finally {
            store.stop(0);
        }
    }

    @Test
    void moneyIsWrittenAsPhpPrintsAFloat() {
        assertThat(EpayGateway.phpFloat(new java.math.BigDecimal("1.00"))).isEqualTo("1");
        assertThat(EpayGateway.phpFloat(new java.math.BigDecimal("0.98"))).isEqualTo("0.98");
        assertThat(EpayGateway.phpFloat(new java.math.BigDecimal("1.50"))).isEqualTo("1.5");
        assertThat(EpayGateway.phpFloat(new java.math.BigDecimal("10"))).isEqualTo("10");
    }
}
