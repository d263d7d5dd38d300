package cardwatch.probes.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.simulator.Profile;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.ShopOrder;
import cardwatch.simulator.SimulatedStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Storefronts shaped after their upstream code, each profile forced to inject its fault: acg-faka paid from our
 * balance there (3.6 and 3.0), acg-faka and dujiaoka checked out without paying, and dujiaoka paid all the way through
 * its gateway by the simulated wallet (a test double: real epay has no buyer wallet) so that lost, late and duplicate
 * notifies, oversold orders and double charges are met. The outcome and reason, the money that left us, and the
 * simulator's ground truth.
 */
class StorefrontProbeTest extends BenchTest {

    @ParameterizedTest(name = "{0} on {1} paid by {2}, {3} -> {4}/{5}")
    @CsvSource(delimiter = '|', textBlock = """
            acg-faka | acg-faka     | balance    | reliable         | success | none             | 0.98
            acg-faka | acg-faka     | balance    | oversold         | failure | out_of_stock     | 0
            acg-faka | acg-faka     | balance    | no-refund        | failure | out_of_stock     | 0.98
            acg-faka | acg-faka     | balance    | double-charge    | success | none             | 1.96
            acg-faka | acg-faka     | balance    | out-of-stock     | failure | out_of_stock     | 0
            acg-faka | acg-faka     | balance    | stuck            | failure | stuck_processing | 0.98
            acg-faka | acg-faka-3-0 | balance    | reliable         | success | none             | 0.98
            acg-faka | acg-faka-3-0 | balance    | oversold         | failure | out_of_stock     | 0
            acg-faka | acg-faka     | checkout   | reliable         | success | none             | 0
            acg-faka | acg-faka     | checkout   | risk             | failure | risk_rejected    | 0
            dujiaoka | dujiaoka     | checkout   | reliable         | success | none             | 0
            dujiaoka | dujiaoka     | checkout   | risk             | failure | risk_rejected    | 0
            dujiaoka | dujiaoka     | checkout   | out-of-stock     | failure | out_of_stock     | 0
            dujiaoka | dujiaoka     | sim-wallet | reliable         | success | none             | 0.98
            dujiaoka | dujiaoka     | sim-wallet | notify-lost      | failure | callback_lost    | 0.98
            dujiaoka | dujiaoka     | sim-wallet | notify-late      | success | none             | 0.98
            dujiaoka | dujiaoka     | sim-wallet | duplicate-notify | success | none             | 0.98
            dujiaoka | dujiaoka     | sim-wallet | oversold         | failure | out_of_stock     | 0
            dujiaoka | dujiaoka     | sim-wallet | no-refund        | failure | out_of_stock     | 0.98
            dujiaoka | dujiaoka     | sim-wallet | risk             | failure | risk_rejected    | 0
            dujiaoka | dujiaoka     | sim-wallet | double-charge    | success | none             | 1.96
            """)
    void classifiesEachShapePayerAndProfile(String protocol, String storeKind, String payer, String profileName,
            String outcome, String reason, BigDecimal spent) throws Exception {
        check(protocol, storeKind, payer, profileName, outcome, reason, spent, Map.of());
    }

    /**
     * An acg-faka store checked out by the generic adapter configured in YAML only: the same results as the dedicated
     * adapter.
     */
    @ParameterizedTest(name = "generic over acg-faka, {0} -> {1}/{2}")
    @CsvSource(delimiter = '|', textBlock = """
            reliable     | success | none
            risk         | failure | risk_rejected
            out-of-stock | failure | out_of_stock
            """)
    void theGenericAdapterConfiguredInYamlMatchesTheDedicatedOne(String profileName, String outcome, String reason)
            throws Exception {
        Map<String, Object> options;
        try (var in = getClass().getResourceAsStream("/cardwatch/simulator/generic/acg-faka.yml")) {
            Map<?, ?> file = tools.jackson.dataformat.yaml.YAMLMapper.builder().build().readValue(in, Map.class);
            options = Map.of("generic", file.get("generic"));
        }
        assertThat(cardwatch.probes.Probes.protocols().get("generic").checkOptions(options)).isEmpty();
        check("generic", "acg-faka", "checkout", profileName, outcome, reason, BigDecimal.ZERO, options);
    }

    private void check(String protocol, String storeKind, String payer, String profileName, String outcome,
            String reason, BigDecimal spent, Map<String, Object> options) throws Exception {
        Profile profile = Profiles.named(profileName).always().withDelivery(Duration.ofMillis(150), 0)
                .withNotifyDelay(Duration.ofMillis(900)).withRefundDelay(Duration.ofMillis(300));
        SimulatedStore.Kind kind = SimulatedStore.Kind.valueOf(storeKind.toUpperCase().replace('-', '_'));
        try (SimulatedStore store = SimulatedStore.start(kind, profile, ProbeBench.PAYER_KEY, ProbeBench.STORE_PASSWORD,
                5, Clock.systemUTC())) {
            String orderId = "CW" + profileName.replace("-", "").toUpperCase() + System.nanoTime();
            ProbeResult result = bench.run(ProbeBench.store(protocol, store, payer, options), orderId);

            assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.valueOf(outcome.toUpperCase()));
            assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.fromLabel(reason));
            assertThat(result.evidence()).doesNotContain(ProbeBench.PAYER_KEY)
                    .doesNotContain(ProbeBench.STORE_PASSWORD);
            if (payer.equals("checkout")) {
                assertThat(result.flags()).as("a checkout says so on every run").contains(Flag.CHECKOUT_ONLY);
                assertThat(result.delivery()).as("a checkout never claims a delivery").isNull();
            } else {
                assertThat(result.flags()).as("a storefront never notifies us, so no notify is missed").isEmpty();
            }
            if (!reason.equals("out_of_stock") || !payer.equals("checkout")) {
                assertThat(store.submissions().values()).as("one order, submitted once").containsExactly(1L);
            }
            assertThat(store.orders()).hasSizeLessThanOrEqualTo(1).allSatisfy((ShopOrder o) -> {
                if (result.outcome() == Outcome.SUCCESS) {
                    assertThat(result.platformOrderNo()).isEqualTo(o.orderNo());
                    if (!o.secret().isEmpty()) {
                        assertThat(result.evidence()).doesNotContain(o.secret());
                    }
                }
                if (payer.equals("checkout")) {
                    assertThat(o.status()).as("a checkout leaves the order unpaid").isZero();
                }
            });
            BigDecimal fall = switch (payer) {
                case "sim-wallet" -> new BigDecimal("1000.00").subtract(store.wallet());
                case "balance" -> new BigDecimal("1000.00").subtract(store.storeBalance());
                default -> new BigDecimal("1000.00").subtract(store.wallet())
                        .add(new BigDecimal("1000.00").subtract(store.storeBalance()));
            };
            assertThat(fall).as("money that left us").isEqualByComparingTo(spent);
            if (reason.equals("callback_lost")) {
                assertThat(result.evidence()).contains("the gateway says trade").contains("已支付");
            }
        }
    }
}
