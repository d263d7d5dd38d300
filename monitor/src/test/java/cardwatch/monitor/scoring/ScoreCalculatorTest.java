package cardwatch.monitor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The score's promises: honest about small samples, ordered by true reliability, components shown. */
class ScoreCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");
    private final ScoreCalculator calculator = new ScoreCalculator(ScoreCalculator.Settings.defaults());

    private static List<ScoreCalculator.Purchase> history(int runs, double trueRate, long seed) {
        Random random = new Random(seed);
        List<ScoreCalculator.Purchase> purchases = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            purchases.add(new ScoreCalculator.Purchase(NOW.minus(Duration.ofMinutes(15L * i)),
                    random.nextDouble() < trueRate));
        }
        return purchases;
    }

    private ScoreCalculator.Score score(List<ScoreCalculator.Purchase> purchases) {
        return calculator.score(new ScoreCalculator.Evidence(purchases, List.of(), 0, 0, List.of(), null, false, 0, 90, 0, 0), NOW);
    }

    @Test
    void threeLuckyPurchasesDoNotOutrankThreeHundredGoodOnes() {
        ScoreCalculator.Score lucky = score(history(3, 1.0, 1));
        ScoreCalculator.Score proven = score(history(300, 0.99, 2));

        assertThat(lucky.grade()).as("证据不足").isEqualTo("?");
        assertThat(lucky.score()).isNull();
        assertThat(proven.grade()).isIn("A", "B");
        assertThat(lucky.components().get("reliability").score())
                .isLessThan(proven.components().get("reliability").score());
    }

    /** A shop whose checks only check out (nothing paid, no delivery seen) never claims the top grade. */
    @Test
    void aCheckoutOnlyPlatformIsGradedBAtBest() {
        List<ScoreCalculator.Purchase> flawless = history(400, 1.0, 3);
        ScoreCalculator.Evidence evidence = new ScoreCalculator.Evidence(flawless, List.of(), 0, 0, List.of(), null,
                false, 0, 90, 0, 0);

        ScoreCalculator.Score bought = calculator.score(evidence, NOW);
        ScoreCalculator.Score checkedOut = calculator.score(evidence.checkoutOnly(true), NOW);

        assertThat(bought.grade()).isEqualTo("A");
        assertThat(checkedOut.grade()).isEqualTo("B");
        assertThat(checkedOut.cap()).isEqualTo("checkout_only");
        assertThat(checkedOut.score()).as("the score itself is not bent").isEqualTo(bought.score());
        assertThat(checkedOut.components()).doesNotContainKey("delivery");
    }

    @Test
    void platformsAreOrderedByTheirTrueSuccessRates() {
        double[] rates = {0.995, 0.97, 0.92, 0.85, 0.70};
        double previous = Double.MAX_VALUE;
        for (int i = 0; i < rates.length; i++) {
            ScoreCalculator.Score score = score(history(200, rates[i], 10 + i));
            assertThat(score.score()).as("true rate " + rates[i]).isLessThan(previous);
            previous = score.score();
        }
    }

    @Test
    void recentPurchasesWeighMore() {
        List<ScoreCalculator.Purchase> oldFailures = new ArrayList<>();
        List<ScoreCalculator.Purchase> newFailures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Instant at = NOW.minus(Duration.ofHours(6L * i));
            oldFailures.add(new ScoreCalculator.Purchase(at, i < 80));
            newFailures.add(new ScoreCalculator.Purchase(at, i >= 20));
        }
        assertThat(score(oldFailures).score()).isGreaterThan(score(newFailures).score());
    }

    @Test
    void everyComponentShowsItsInputsAndMissingOnesAreLeftOut() {
        ScoreCalculator.Score score = calculator.score(new ScoreCalculator.Evidence(history(100, 1.0, 3),
                List.of(800L, 900L, 1200L, 400_000L), 4, 3, List.of(600_000L, 3_600_000L, 7_200_000L), "valid", true, 9,
                90, 100, 99), NOW);

        assertThat(score.components()).containsOnlyKeys("reliability", "delivery", "refunds", "compliance",
                "complaints", "availability");
        assertThat(score.components().get("refunds").score()).as("70 %% of 3/4 + 30 %% of speed (1 h median: 100)")
                .isEqualTo(82.5);
        assertThat(score.components().get("refunds").inputs()).containsEntry("median_refund_seconds", 3600.0);
        assertThat(score.components().get("compliance").score()).as("a personal filing").isEqualTo(70);
        assertThat(score.components().get("complaints").score()).as("(1 prior + 9) / (1 + 3 months) = 2.5 a month")
                .isCloseTo(100 * Math.pow(0.5, 2.5 / 3), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(score.components().get("delivery").inputs()).containsEntry("median_seconds", 0.9);
        assertThat(score.components().get("reliability").inputs()).containsKeys("effective_purchases",
                "wilson_lower_95");

        ScoreCalculator.Score bare = score(history(100, 1.0, 3));
        assertThat(bare.components()).doesNotContainKeys("delivery", "refunds", "compliance", "availability");
        assertThat(bare.grade()).isEqualTo("A");
    }

    private ScoreCalculator.Component refunds(long settled, long inTime, List<Long> millis) {
        return calculator.score(new ScoreCalculator.Evidence(List.of(), List.of(), settled, inTime, millis, null, false,
                0, 90, 0, 0), NOW).components().get("refunds");
    }

    @Test
    void slowRefundsScoreLowerThanFastOnesWithTheSameShare() {
        long hour = 3_600_000L;
        double fast = refunds(2, 2, List.of(hour / 2, hour)).score();
        double slow = refunds(2, 2, List.of(20 * hour, 23 * hour)).score();
        double none = refunds(2, 0, List.of()).score();
        assertThat(fast).isEqualTo(100);
        assertThat(slow).isLessThan(fast).isGreaterThan(70);
        assertThat(none).isZero();
    }

    private double complaints(double weight, double days) {
        return calculator.score(new ScoreCalculator.Evidence(List.of(), List.of(), 0, 0, List.of(), null, false,
                weight, days, 0, 0), NOW).components().get("complaints").score();
    }

    @Test
    void theComplaintRateIsSmoothedByItsPriorAndJudgedOnTheRecordOnceThereIsOne() {
        double newcomerOneComplaint = complaints(1, 3);
        assertThat(newcomerOneComplaint).as("one complaint in 3 days is not read as 10 a month")
                .isGreaterThan(100 * Math.pow(0.5, 10.0 / 3)).isGreaterThan(60);
        assertThat(complaints(30, 90)).as("30 in 90 days is a record").isLessThan(20);
        assertThat(complaints(0, 90)).as("a clean record beats the prior").isGreaterThan(complaints(0, 0));
        assertThat(complaints(0, 0)).as("nothing known: the prior, 1 a month").isCloseTo(100 * Math.pow(0.5, 1.0 / 3),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theWilsonBoundIsTheTextbookOne() {
        assertThat(ScoreCalculator.wilsonLower(1.0, 3)).isCloseTo(0.4385, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(ScoreCalculator.wilsonLower(0.5, 100)).isCloseTo(0.4038, org.assertj.core.data.Offset.offset(1e-3));
    }
}
