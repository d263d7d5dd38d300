package cardwatch.monitor.crowd;

/**
 * Whether the last hour's reports against a platform are a spike against its own baseline, as Downdetector does it:
 * at least {@link #MIN_REPORTS}, and so many that a Poisson count at the baseline rate (its reports per hour over the
 * week before, at least {@link #FLOOR_PER_HOUR}) would reach them with probability under {@link #P}. Proven on
 * synthetic streams in {@code SpikeDetectorSimulationTest}.
 */
public final class SpikeDetector {

    static final int MIN_REPORTS = 5;
    static final double FLOOR_PER_HOUR = 0.2;
    static final double P = 1e-5;

    private SpikeDetector() {
    }

    public static boolean spike(long lastHour, double baselinePerHour) {
        if (lastHour < MIN_REPORTS) {
            return false;
        }
        double lambda = Math.max(FLOOR_PER_HOUR, baselinePerHour);
        return upperTail(lastHour, lambda) < P;
    }

    /** P(X ≥ k) for X ~ Poisson(λ), summed from k upward (the terms fall fast once k exceeds λ). */
    static double upperTail(long k, double lambda) {
        double logTerm = -lambda + k * Math.log(lambda) - logFactorial(k);
        double term = Math.exp(logTerm);
        double sum = 0;
        for (long i = k; i < k + 1000 && term > 0; i++) {
            sum += term;
            term *= lambda / (i + 1);
            if (term < sum * 1e-15) {
                break;
            }
        }
        return Math.min(1, sum);
    }

    private static double logFactorial(long n) {
        double sum = 0;
        for (long i = 2; i <= n; i++) {
            sum += Math.log(i);
        }
        return sum;
    }
}
