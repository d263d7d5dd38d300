package cardwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated gateway keeps the real gateway's promises that Cardwatch relies on. */
class EpayGatewayTest {

    private static SimRequest form(String path, Map<String, String> form) {
        return new SimRequest("POST", path, Map.of(), form, "", Map.of());
    }

    @Test
    void aRepeatedOutTradeNoGetsTheSameTradeNoBack() {
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1)) {
            Map<String, String> open = new LinkedHashMap<>();
            open.put("pid", EpayGateway.MERCHANT_PID);
            open.put("type", "alipay");
            open.put("out_trade_no", "SN1");
            open.put("notify_url", "http://127.0.0.1:1/notify");
            open.put("name", "1元话费卡");
            open.put("money", "0.98");
            open.put("sign", EpayGateway.sign(open, "merchant-key"));

            String first = gateway.handle(form("/mapi.php", open)).body();
            String second = gateway.handle(form("/mapi.php", open)).body();

            assertThat(first).contains("\"code\":1").contains("\"trade_no\"");
            assertThat(second).isEqualTo(first);
            assertThat(gateway.trades()).hasSize(1);
        }
    }

    @Test
    void payingAPaidTradeAgainChargesNothingMore() {
        try (EpayGateway gateway = new EpayGateway(Profiles.named("reliable"), "merchant-key", "payer-key",
                Clock.systemUTC(), 1)) {
            Map<String, String> open = new LinkedHashMap<>(Map.of("pid", EpayGateway.MERCHANT_PID,
                    "out_trade_no", "SN2", "notify_url", "http://127.0.0.1:1/notify", "money", "0.98"));
            open.put("sign", EpayGateway.sign(open, "merchant-key"));
            gateway.handle(form("/mapi.php", open));
            String tradeNo = gateway.trades().get(0).tradeNo;
            Map<String, String> pay = new LinkedHashMap<>(Map.of("payer_id", EpayGateway.PAYER_ID,
                    "trade_no", tradeNo, "money", "0.98"));
            pay.put("sign", EpayGateway.sign(pay, "payer-key"));

            gateway.handle(form("/pay.php", pay));
            gateway.handle(form("/pay.php", pay));

            assertThat(gateway.wallet()).isEqualByComparingTo("999.02");
        }
    }
}
