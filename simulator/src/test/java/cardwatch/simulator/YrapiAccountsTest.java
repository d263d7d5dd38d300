package cardwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Further merchant accounts on one simulated platform: each its own balance and orders; others are refused. */
class YrapiAccountsTest {

    private static final String KEY = "accounts-key";

    @Test
    void eachAccountPaysFromItsOwnBalanceAndSeesOnlyItsOwnOrders() {
        try (SimulatedPlatform sim = SimulatedPlatform.start(SimulatedPlatform.Kind.YRAPI, "shared",
                Profiles.named("reliable"), KEY, 0, 3, Clock.systemUTC(), false, 2)) {
            Peer dialect = new Peer(sim.baseUrl());
            String first = String.valueOf(SimulatedPlatform.FIRST_ACCOUNT);
            String second = String.valueOf(SimulatedPlatform.FIRST_ACCOUNT + 1);

            String taken = dialect.handle("index/recharge", signed(first, "out_trade_num", "CWACC1", "product_id",
                    SimulatedPlatform.PRODUCT_ID, "mobile", "18866667777", "notify_url", "")).body();

            assertThat(taken).contains("\"errno\":0");
            assertThat(dialect.handle("index/user", signed(first)).body())
                    .contains("\"balance\":\"" + SimulatedPlatform.OPENING_BALANCE.subtract(SimulatedPlatform.PRODUCT_PRICE)
                            .toPlainString() + "\"");
            assertThat(dialect.handle("index/user", signed(second)).body())
                    .contains("\"balance\":\"" + SimulatedPlatform.OPENING_BALANCE.toPlainString() + "\"");
            assertThat(dialect.handle("index/check", signed(second, "out_trade_nums", "CWACC1")).body())
                    .contains("\"data\":[]");
            assertThat(sim.platform().orders()).as("the platform's own account took nothing").isEmpty();
            assertThat(dialect.handle("index/user", signed(String.valueOf(SimulatedPlatform.FIRST_ACCOUNT + 2)))
                    .body()).contains("商户不存在");
        }
    }

    /** The platform over HTTP, as a merchant calls it. */
    private record Peer(String baseUrl) {
        Answer handle(String path, Map<String, String> form) {
            String body = form.entrySet().stream().map(e -> e.getKey() + "="
                    + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                    .collect(java.util.stream.Collectors.joining("&"));
            try {
                java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + path))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                return new Answer(response.body());
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private record Answer(String body) {
    }

    private static Map<String, String> signed(String merchant, String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("userid", merchant);
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        form.put("sign", YrapiSignature.of(form, KEY));
        return form;
    }
}
