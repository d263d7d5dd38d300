package cardwatch.probes.purchase;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Storefronts wired to their epay gateway, store → gateway → notify back to the store, each profile forced to
 * inject its fault: the outcome and reason per adapter, payer and profile, and the simulator's ground truth.
 */
class StorefrontProbeTest extends BenchTest {




    @ParameterizedTest(name = "{0} paid by {1}, {2} -> {3}/{4}")
    @CsvSource(delimiter = '|', textBlock = """
            acg-faka | epay    | reliable         | success | none
            acg-faka | epay    | notify-lost      | failure | callback_lost
            acg-faka | epay    | notify-late      | success | none
            acg-faka | epay    | duplicate-notify | success | none
            acg-faka | epay    | oversold         | failure | out_of_stock
            acg-faka | epay    | no-refund        | failure | out_of_stock
            acg-faka | epay    | late-refund      | failure | out_of_stock
            acg-faka | epay    | risk             | failure | risk_rejected
            acg-faka | epay    | double-charge    | success | none
            acg-faka | balance | reliable         | success | none
            acg-faka | balance | oversold         | failure | out_of_stock
            acg-faka | balance | double-charge    | success | none
            dujiaoka | epay    | reliable         | success | none
            dujiaoka | epay    | notify-lost      | failure | callback_lost
            dujiaoka | epay    | duplicate-notify | success | none
            dujiaoka | epay    | oversold         | failure | out_of_stock
            dujiaoka | epay    | no-refund        | failure | out_of_stock
            dujiaoka | epay    | risk             | failure | risk_rejected
            dujiaoka | epay    | double-charge    | success | none
            """)
    void classifiesEachShapePayerAndProfile(String protocol, String payer, String profileName, String outcome,
            String reason) throws Exception {
        check(protocol, protocol, payer, profileName, outcome, reason, Map.of());
    }

    /**
     * The acg-faka store driven by the generic adapter configured in YAML only: the same rows, the same results as
     * the dedicated adapter.
     */
    @ParameterizedTest(name = "generic over acg-faka, {2} -> {3}/{4}")
    @CsvSource(delimiter = '|', textBlock = """
            acg-faka | epay | reliable         | success | none
            acg-faka | epay | notify-lost      | failure | callback_lost
            acg-faka | epay | duplicate-notify | success | none
            acg-faka | epay | oversold         | failure | out_of_stock
            acg-faka | epay | no-refund        | failure | out_of_stock
            acg-faka | epay | risk             | failure | risk_rejected
            acg-faka | epay | double-charge    | success | none
            """)
    void theGenericAdapterConfiguredInYamlMatchesTheDedicatedOne(String store, String payer, String profileName,
            String outcome, String reason) throws Exception {
        Map<String, Object> options;
        try (var in = getClass().getResourceAsStream("/cardwatch/simulator/generic/acg-faka.yml")) {
            options = tools.jackson.dataformat.yaml.YAMLMapper.builder().build().readValue(in, Map.class);
        }
        assertThat(cardwatch.probes.Probes.protocols().get("generic").checkOptions(options)).isEmpty();
        check("generic", store, payer, profileName, outcome, reason, options);
    }

    private void check(String protocol, String storeKind, String payer, String profileName, String outcome,
            String reason, Map<String, Object> options) throws Exception {
        Profile profile = Profiles.named(profileName).always().withDelivery(Duration.ofMillis(150), 0)
                .withNotifyDelay(Duration.ofMillis(900)).withRefundDelay(Duration.ofMillis(300));
        SimulatedStore.Kind kind = SimulatedStore.Kind.valueOf(storeKind.toUpperCase().replace('-', '_'));
        try (SimulatedStore store = SimulatedStore.start(kind, profile, ProbeBench.PAYER_KEY, ProbeBench.STORE_TOKEN,
                5, Clock.systemUTC())) {
            String orderId = "CW" + profileName.replace("-", "").toUpperCase() + System.nanoTime();
            ProbeResult result = bench.run(ProbeBench.store(protocol, store, payer, options), orderId);

            assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.valueOf(outcome.toUpperCase()));
            assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.fromLabel(reason));
            assertThat(result.flags()).as("a storefront never notifies us, so no notify is missed").isEmpty();
            assertThat(result.evidence()).doesNotContain(ProbeBench.PAYER_KEY).doesNotContain(ProbeBench.STORE_TOKEN);
            assertThat(store.submissions().values()).as("one order, submitted once").containsExactly(1L);
            assertThat(store.orders()).singleElement().satisfies((ShopOrder o) -> {
                if (result.outcome() == Outcome.SUCCESS) {
                    assertThat(result.platformOrderNo()).isEqualTo(o.orderNo());
                    assertThat(result.evidence()).doesNotContain(o.secret());
                }
            });
            BigDecimal spent = payer.equals("epay") ? SimulatedStoreMoney.walletFall(store)
                    : SimulatedStoreMoney.storeBalanceFall(store);
            BigDecimal expected = switch (profileName) {
                case "double-charge" -> new BigDecimal("1.96");
                case "risk", "oversold" -> BigDecimal.ZERO;
                default -> new BigDecimal("0.98");
            };
            if (!profileName.equals("late-refund")) {
                assertThat(spent).as("money that left us").isEqualByComparingTo(expected);
            }
            if (reason.equals("callback_lost")) {
                assertThat(result.evidence()).contains("the gateway says trade").contains("已支付");
            }
        }
    }

    /** What the simulated store and gateway did with our money. */
    static final class SimulatedStoreMoney {
        static BigDecimal walletFall(SimulatedStore store) {
            return new BigDecimal("1000.00").subtract(store.wallet());
        }

        static BigDecimal storeBalanceFall(SimulatedStore store) {
            return new BigDecimal("1000.00").subtract(store.storeBalance());
        }
    }
}
