package cardwatch.monitor.purchase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.TestTokens;
import cardwatch.simulator.Profile;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.ShopOrder;
import cardwatch.simulator.SimOrder;
import cardwatch.simulator.SimulatedPlatform;
import cardwatch.simulator.SimulatedStore;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service in a child JVM, killed with SIGKILL at each phase boundary of a purchase, then started again on the
 * same database: the default embedded one, ./data under its working directory. Ground truth is the simulator's: it received exactly one order per run, and the ledger's net
 * spend equals the fall in its balance, to the cent. The same for storefronts: an 异次元 store paid from our balance
 * there, and a 独角数卡 store checked out through its 易支付 gateway (a checkout ends at the gateway's page, so it has
 * no confirm to be killed in).
 */
class KillAtPhaseIT {

    private static final String KEY = "kill-test-key-77";
    private static final String STORE_PASSWORD = "store-password-31";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest(name = "killed {0}")
    @ValueSource(strings = {"before-submit-returns", "after-submit", "during-confirm", "before-final-row"})
    void aKillAtAnyPhaseNeverBuysTwiceAndLosesNoYuan(String phase, @TempDir Path work) throws Exception {
        boolean holdAnswer = phase.equals("before-submit-returns");
        Profile profile = Profiles.named(holdAnswer ? "slow-answer" : "reliable")
                .withDelivery(Duration.ofMillis(1200), 0)
                .withSubmitDelay(holdAnswer ? Duration.ofSeconds(20) : Duration.ZERO);
        try (SimulatedPlatform sim = SimulatedPlatform.start("shop", profile, KEY, 0, 11)) {
            Files.writeString(work.resolve("secrets.properties"), "shop-key=" + KEY + "\n");
            Files.writeString(work.resolve("first.yml"), config(sim, "{ every: 2s }"));
            Files.writeString(work.resolve("again.yml"), config(sim, "{ cron: \"0 0 3 1 1 ?\" }"));
            Path logs = Path.of("target", "kill-at-phase", phase);

            List<String> first = arguments(work, "first.yml");
            if (!holdAnswer) {
                first.add("--cardwatch.testing.pause-at=" + phase);
            }
            try (ServiceProcess service = new ServiceProcess(work, logs.resolve("first.log"), first)) {
                if (holdAnswer) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> !sim.platform().orders().isEmpty()
                            || !service.isAlive());
                } else {
                    service.await("CARDWATCH-PAUSED " + phase, Duration.ofSeconds(60));
                }
                service.kill();
            }
            assertThat(sim.platform().orders()).as("the killed run had placed its order").hasSize(1);

            try (ServiceProcess service = new ServiceProcess(work, logs.resolve("again.log"),
                    arguments(work, "again.yml"))) {
                ServiceClient client = new ServiceClient(service.port()).withToken(TestTokens.READ);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                        runs(client).stream().allMatch(r -> r.path("status").asString().equals("done")));
                List<JsonNode> runs = runs(client);

                assertThat(runs).as("the interrupted run, and no other").hasSize(1);
                JsonNode run = runs.get(0);
                assertThat(run.path("outcome").asString()).as(run.toString()).isEqualTo("success");
                List<SimOrder> orders = sim.platform().orders();
                assertThat(orders).singleElement().satisfies(o ->
                        assertThat(o.outTradeNum()).isEqualTo(run.path("clientOrderId").asString()));
                assertThat(sim.platform().submissions()).as("one order per run, submitted once")
                        .isEqualTo(Map.of(run.path("clientOrderId").asString(), 1L));

                BigDecimal net = BigDecimal.ZERO;
                for (JsonNode entry : JSON.readTree(client.get("/api/v1/ledger?platform=shop").body())) {
                    BigDecimal amount = new BigDecimal(entry.path("amount").asString());
                    net = switch (entry.path("kind").asString()) {
                        case "charge" -> net.add(amount);
                        case "refund" -> net.subtract(amount);
                        default -> throw new AssertionError("unexpected ledger entry " + entry);
                    };
                }
                BigDecimal fall = SimulatedPlatform.OPENING_BALANCE.subtract(sim.platform().balance());
                assertThat(net).as("ledger net spend vs the simulator's balance").isEqualByComparingTo(fall)
                        .isEqualByComparingTo("0.98");
            }
        }
    }

    @ParameterizedTest(name = "{0} killed {1}")
    @CsvSource({"ACG_FAKA, after-submit", "ACG_FAKA, during-confirm", "ACG_FAKA, before-final-row",
            "DUJIAOKA, before-final-row"})
    void aKillInAStorefrontRunNeverOrdersTwice(SimulatedStore.Kind kind, String phase, @TempDir Path work)
            throws Exception {
        boolean balance = kind == SimulatedStore.Kind.ACG_FAKA;
        Profile profile = Profiles.named("reliable").withDelivery(Duration.ofMillis(1200), 0);
        try (SimulatedStore store = SimulatedStore.start(kind, "store", profile, "payer-key-5", STORE_PASSWORD, 13,
                Clock.systemUTC())) {
            Files.writeString(work.resolve("secrets.properties"), "login=" + SimulatedStore.ACCOUNT + "\npassword="
                    + STORE_PASSWORD + "\n");
            Files.writeString(work.resolve("first.yml"), storeConfig(store, balance, "{ every: 2s }"));
            Files.writeString(work.resolve("again.yml"), storeConfig(store, balance, "{ cron: \"0 0 3 1 1 ?\" }"));
            Path logs = Path.of("target", "kill-at-phase", kind + "-" + phase);

            List<String> first = arguments(work, "first.yml");
            first.add("--cardwatch.testing.pause-at=" + phase);
            try (ServiceProcess service = new ServiceProcess(work, logs.resolve("first.log"), first)) {
                service.await("CARDWATCH-PAUSED " + phase, Duration.ofSeconds(60));
                service.kill();
            }
            assertThat(store.orders()).as("the killed run had placed its order").hasSize(1);

            try (ServiceProcess service = new ServiceProcess(work, logs.resolve("again.log"),
                    arguments(work, "again.yml"))) {
                ServiceClient client = new ServiceClient(service.port()).withToken(TestTokens.READ);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                        runs(client, "store").stream().allMatch(r -> r.path("status").asString().equals("done")));
                List<JsonNode> runs = runs(client, "store");

                assertThat(runs).as("the interrupted run, and no other").hasSize(1);
                JsonNode run = runs.get(0);
                if (balance) {
                    assertThat(run.path("outcome").asString()).as(run.toString()).isEqualTo("success");
                    assertThat(run.path("deliveryMs").isNumber()).as("delivered: " + run).isTrue();
                    assertThat(store.orders()).as("one order at the store").singleElement()
                            .extracting(ShopOrder::orderNo).isEqualTo(run.path("platformOrderNo").asString());
                } else {
                    // the checkout's verdict died with the process, and a checkout leaves nothing to ask the store
                    // about: our own error, which counts neither for nor against the store
                    assertThat(run.path("outcome").asString() + " " + run.path("reason").asString())
                            .as(run.toString()).isEqualTo("error internal");
                    assertThat(store.orders()).as("one order at the store").hasSize(1);
                }
                assertThat(store.submissions().values()).as("the order's key submitted once: " + store.submissions())
                        .containsExactly(1L);
                BigDecimal fall = SimulatedPlatform.OPENING_BALANCE.subtract(store.storeBalance());
                assertThat(net(client, "store")).as("ledger net spend vs the store's balance")
                        .isEqualByComparingTo(fall).isEqualByComparingTo(balance ? "0.98" : "0");
                assertThat(store.deductions().values()).as("no trade at the gateway was paid: " + store.deductions())
                        .allMatch(n -> n == 0);
                assertThat(store.wallet()).as("a checkout pays nothing at the gateway")
                        .isEqualByComparingTo(SimulatedPlatform.OPENING_BALANCE);
            }
        }
    }

    private static BigDecimal net(ServiceClient client, String platform) {
        BigDecimal net = BigDecimal.ZERO;
        for (JsonNode entry : JSON.readTree(client.get("/api/v1/ledger?platform=" + platform).body())) {
            BigDecimal amount = new BigDecimal(entry.path("amount").asString());
            net = switch (entry.path("kind").asString()) {
                case "charge" -> net.add(amount);
                case "refund" -> net.subtract(amount);
                default -> throw new AssertionError("unexpected ledger entry " + entry);
            };
        }
        return net;
    }

    private static String storeConfig(SimulatedStore store, boolean balance, String schedule) {
        String payer = balance ? "{ kind: balance, method: \"1\" }"
                : "{ kind: checkout, gateway: \"" + store.gatewayUrl() + "\", method: \"1\" }";
        String credentials = balance ? "credentials: { store-login: \"file:login\", store-password: \"file:password\" }"
                : "";
        return """
                platforms:
                  - id: store
                    names: { zh: 测试小店, en: Test Store }
                    base-url: %s
                    protocol: %s
                    payer: %s
                    %s
                    product: { id: "%s", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    schedule: { purchase: %s }
                    deadlines: { notify: 2s, confirm: 6s, poll-initial: 200ms, poll-max: 500ms }
                """.formatted(store.baseUrl(), balance ? "acg-faka" : "dujiaoka", payer, credentials,
                balance ? "1002" : "1001", schedule);
    }

    private static List<JsonNode> runs(ServiceClient client) {
        return runs(client, "shop");
    }

    private static List<JsonNode> runs(ServiceClient client, String platform) {
        List<JsonNode> runs = new ArrayList<>();
        JSON.readTree(client.get("/api/admin/v1/platforms/" + platform + "/runs?limit=500").body()).forEach(runs::add);
        return runs;
    }

    private static List<String> arguments(Path work, String platforms) {
        List<String> arguments = new ArrayList<>(List.of(
                "--cardwatch.platforms-file=" + work.resolve(platforms),
                "--cardwatch.secrets-file=" + work.resolve("secrets.properties"),
                "--server.port=0",
                "--cardwatch.schedule.min-interval=1s"));
        TestTokens.settings().forEach(setting -> arguments.add("--" + setting));
        return arguments;
    }

    private static String config(SimulatedPlatform sim, String schedule) {
        return """
                platforms:
                  - id: shop
                    names: { zh: 测试店, en: Test Shop }
                    base-url: %s
                    protocol: yrapi
                    merchant-id: "10001"
                    credentials: { api-key: "file:shop-key" }
                    product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    schedule: { purchase: %s }
                    deadlines: { notify: 2s, confirm: 6s, poll-initial: 200ms, poll-max: 500ms }
                """.formatted(sim.baseUrl(), schedule);
    }
}
