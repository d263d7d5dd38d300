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
        return calculator.score(new ScoreCalculator.Evidence(purchases, List.of(), 0, 0, null, false, 0, 0, 0), NOW);
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
                List.of(800L, 900L, 1200L, 400_000L), 4, 3, "valid", true, 6, 100, 99), NOW);

        assertThat(score.components()).containsOnlyKeys("reliability", "delivery", "refunds", "compliance",
                "complaints", "availability");
        assertThat(score.components().get("refunds").score()).isEqualTo(75);
        assertThat(score.components().get("compliance").score()).as("a personal filing").isEqualTo(70);
        assertThat(score.components().get("complaints").score()).as("twice the halving weight").isEqualTo(25);
        assertThat(score.components().get("delivery").inputs()).containsEntry("median_seconds", 0.9);
        assertThat(score.components().get("reliability").inputs()).containsKeys("effective_purchases",
                "wilson_lower_95");

        ScoreCalculator.Score bare = score(history(100, 1.0, 3));
        assertThat(bare.components()).doesNotContainKeys("delivery", "refunds", "compliance", "availability");
        assertThat(bare.grade()).isEqualTo("A");
    }

    @Test
    void theWilsonBoundIsTheTextbookOne() {
        assertThat(ScoreCalculator.wilsonLower(1.0, 3)).isCloseTo(0.4385, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(ScoreCalculator.wilsonLower(0.5, 100)).isCloseTo(0.4038, org.assertj.core.data.Offset.offset(1e-3));
    }
}
