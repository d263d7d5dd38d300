package cardwatch.probes.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.simulator.Profile;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimOrder;
import cardwatch.simulator.SimulatedPlatform;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every failure profile of the simulator, forced to inject its fault, against the real probe over HTTP: one row
 * each, with the exact outcome, reason and flags expected.
 */
class PurchaseProbeProfileTest extends BenchTest {




    @ParameterizedTest(name = "yrapi {0} -> {1}/{2} {3}")
    @CsvSource(delimiter = '|', textBlock = TABLE)
    void classifiesEachProfile(String profileName, String outcome, String reason, String flag) throws Exception {
        classify(SimulatedPlatform.Kind.YRAPI, profileName, outcome, reason, flag);
    }

    @ParameterizedTest(name = "sup {0} -> {1}/{2} {3}")
    @CsvSource(delimiter = '|', textBlock = TABLE)
    void classifiesEachProfileOverTheGbkSupProtocol(String profileName, String outcome, String reason, String flag)
            throws Exception {
        classify(SimulatedPlatform.Kind.SUP, profileName, outcome, reason, flag);
    }

    /** Every profile and what it must come to, for each direct top-up protocol alike. */
    static final String TABLE = """
            reliable        | success | none             |
            slow            | success | none             |
            notify-lost     | success | none             | notify_missing
            stuck           | failure | stuck_processing |
            out-of-stock    | failure | out_of_stock     |
            risk            | failure | risk_rejected    |
            down            | failure | http_error       |
            malformed       | failure | protocol_error   |
            upstream-failed | failure | upstream_failed  |
            no-code         | failure | not_delivered    |
            bad-signature   | success | none             | notify_missing
            hung            | failure | timeout          |
            double-charge   | success | none             |
            no-refund       | failure | upstream_failed  |
            late-refund     | failure | upstream_failed  |
            slow-answer     | success | none             |
            """;

    private void classify(SimulatedPlatform.Kind kind, String profileName, String outcome, String reason,
            String flag) throws Exception {
        Profile profile = Profiles.named(profileName).always()
                .withDelivery(Duration.ofMillis(200), 0)
                .withAnswerDelay(Duration.ofSeconds(2));
        try (SimulatedPlatform sim = SimulatedPlatform.start(kind, profileName, profile, ProbeBench.API_KEY, 0, 1,
                java.time.Clock.systemUTC())) {
            String orderId = "CW" + profileName.replace("-", "").toUpperCase() + System.nanoTime();
            String protocol = kind.name().toLowerCase();
            ProbeResult result = bench.run(ProbeBench.platform(protocol, sim.baseUrl(), ProbeBench.API_KEY),
                    orderId);

            assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.valueOf(outcome.toUpperCase()));
            assertThat(result.reason()).as(result.toString()).isEqualTo(Reason.fromLabel(reason));
            assertThat(result.flags()).as(result.toString())
                    .isEqualTo(flag == null ? java.util.Set.of() : java.util.Set.of(Flag.fromLabel(flag)));
            assertThat(result.evidence()).doesNotContain(ProbeBench.API_KEY);
            assertThat(result.delivery() != null).as("delivered: a code arrived, whatever the verdict")
                    .isEqualTo(result.outcome() == Outcome.SUCCESS || profileName.equals("malformed"));

            List<SimOrder> orders = sim.platform().orders();
            assertThat(orders).as("never a second order for one run").hasSizeLessThanOrEqualTo(1);
            assertThat(sim.platform().submissions().values()).as("submitted at most once")
                    .allMatch(n -> n == 1);
            if (result.outcome() == Outcome.SUCCESS) {
                assertThat(orders).singleElement().satisfies(o -> {
                    assertThat(o.outTradeNum()).isEqualTo(orderId);
                    if (kind == SimulatedPlatform.Kind.YRAPI) {
                        assertThat(result.platformOrderNo()).isEqualTo(o.orderNumber());
                    }
                });
                if (!profileName.equals("slow-answer")) {
                    assertThat(result.amountCharged()).isEqualByComparingTo(new BigDecimal("0.98"));
                }
                assertThat(result.delivery()).isPositive();
                assertThat(result.phases()).containsOnlyKeys("order", "confirm", "deliver");
                assertThat(result.evidence()).as("the card code is masked").doesNotContain(orders.get(0).code());
            }
        }
    }
}
