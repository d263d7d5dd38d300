package cardwatch.monitor.crowd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The spike rule on synthetic report streams, in simulated hours, over 1,000 seeds per case: a platform's steady
 * reports raise a false alarm in fewer than one month in a hundred, and a surge of ten times its usual rate (at
 * least 12 an hour) shows in its first hour in at least 90 % of seeds.
 */
class SpikeDetectorSimulationTest {

    private static final int SEEDS = 1000;
    private static final int WEEK = 7 * 24;
    private static final int MONTH = 30 * 24;

    /** Poisson draws by inversion (λ is small here). */
    private static int poisson(SplittableRandom random, double lambda) {
        double limit = Math.exp(-lambda);
        double product = random.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }

    /** Runs a month of hourly checks; the count of hours flagged, the week before each as its baseline. */
    private static int falseAlarms(long seed, double perHour) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] hours = new int[WEEK + MONTH];
        for (int i = 0; i < hours.length; i++) {
            hours[i] = poisson(random, perHour);
        }
        int alarms = 0;
        long window = 0;
        for (int i = 0; i < WEEK; i++) {
            window += hours[i];
        }
        for (int h = WEEK; h < hours.length; h++) {
            if (SpikeDetector.spike(hours[h], window / (double) WEEK)) {
                alarms++;
            }
            window += hours[h] - hours[h - WEEK];
        }
        return alarms;
    }

    @Test
    void steadyReportsRaiseAFalseAlarmInFewerThanOneMonthInAHundred() {
        for (double perHour : new double[] {0.05, 0.5, 2, 8}) {
            int seedsWithAlarm = 0;
            for (long seed = 0; seed < SEEDS; seed++) {
                if (falseAlarms(seed, perHour) > 0) {
                    seedsWithAlarm++;
                }
            }
            assertThat(seedsWithAlarm).as("months with a false alarm at %s reports an hour", perHour)
                    .isLessThan(SEEDS / 100);
        }
    }

    @Test
    void aSurgeOfTenTimesTheUsualAndAtLeastTwelveAnHourShowsInItsFirstHour() {
        for (double perHour : new double[] {0.05, 0.5, 2, 8}) {
            double surge = Math.max(12, 10 * perHour);
            int seen = 0;
            for (long seed = 0; seed < SEEDS; seed++) {
                SplittableRandom random = new SplittableRandom(seed ^ 0x5eedL);
                long week = 0;
                for (int i = 0; i < WEEK; i++) {
                    week += poisson(random, perHour);
                }
                if (SpikeDetector.spike(poisson(random, surge), week / (double) WEEK)) {
                    seen++;
                }
            }
            assertThat(seen).as("surges seen in the first hour at %s reports an hour", perHour)
                    .isGreaterThanOrEqualTo(SEEDS * 9 / 10);
        }
    }

    @Test
    void theTailIsPoissons() {
        assertThat(SpikeDetector.upperTail(0, 3)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(SpikeDetector.upperTail(1, 1)).isCloseTo(1 - Math.exp(-1),
                org.assertj.core.data.Offset.offset(1e-12));
        // P(X ≥ 3 | λ = 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125)
        assertThat(SpikeDetector.upperTail(3, 0.5)).isCloseTo(1 - Math.exp(-0.5) * 1.625,
                org.assertj.core.data.Offset.offset(1e-12));
    }
}
