package cardwatch.monitor.site;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.scoring.ScoreCalculator;
import cardwatch.monitor.system.CardwatchProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Grades and ranks against platforms whose true success rate is known: a ladder of ten at 99.5 % down to 80 %, bought
 * from every 20 minutes (2 minutes of jitter) for a day and for a week, scored by the real calculator at the default
 * settings (with the other components as a good platform has them: deliveries in seconds, a valid filing, no
 * complaints, storefront checks all up) and ranked by the real ranking. Over 1,000 seeds.
 */
class GradeSimulationTest {

    static final int SEEDS = 1000;
    static final double[] LADDER = {0.995, 0.99, 0.98, 0.97, 0.96, 0.95, 0.93, 0.90, 0.85, 0.80};
    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    private static final List<String> TABLE = Collections.synchronizedList(new ArrayList<>());
    private static final ScoreCalculator CALCULATOR = new ScoreCalculator(settings());

    private static ScoreCalculator.Settings settings() {
        CardwatchProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        return cardwatch.monitor.scoring.ScoreService.settings(defaults.score());
    }

    @AfterAll
    static void printTable() throws IOException {
        StringBuilder text = new StringBuilder("| after | measured over " + String.format("%,d", SEEDS)
                + " seeds | target |\n"
                + "| --- | --- | --- |\n");
        TABLE.stream().sorted().forEach(row -> text.append(row.substring(2)).append('\n'));
        System.out.println(text);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "grade-simulation.md"), text);
    }

    /** One platform's score after {@code days} of purchases at {@code rate}. */
    private static ScoreCalculator.Score score(double rate, Duration days, SplittableRandom random) {
        List<ScoreCalculator.Purchase> purchases = new ArrayList<>();
        List<Long> delivery = new ArrayList<>();
        long every = Duration.ofMinutes(20).toMillis();
        int runs = (int) (days.toMillis() / every);
        for (int k = 0; k < runs; k++) {
            Instant at = NOW.minusMillis(days.toMillis()).plusMillis(k * every + random.nextLong(120_000));
            boolean success = random.nextDouble() < rate;
            purchases.add(new ScoreCalculator.Purchase(at, success));
            if (success) {
                delivery.add((long) (8_000 * Math.exp(0.5 * random.nextGaussian())));
            }
        }
        long checks = days.toMinutes();
        return CALCULATOR.score(new ScoreCalculator.Evidence(purchases, delivery, 0, 0, List.of(), "valid", false, 0,
                days.toMillis() / 86_400_000.0, checks, checks, runs, 0, false), NOW);
    }

    private static SiteSnapshot.Row row(int index, ScoreCalculator.Score score) {
        SiteSnapshot.Ratio none = SiteSnapshot.Ratio.NONE;
        return new SiteSnapshot.Row("p" + index, "平台" + index, "Platform " + index, score.score(), score.grade(), none,
                none, none, null, null, "valid", 0, null, score.scoreHigh(), score.cap(), score.lostMoney(), false,
                SiteSnapshot.Callbacks.NONE, 0, false);
    }

    /** The ladder ranked, each row's id giving its true place ("p0" the best). */
    private static List<SiteSnapshot.Row> ladder(Duration days, long seed, List<ScoreCalculator.Score> scores) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SiteSnapshot.Row> rows = new ArrayList<>();
        for (int i = 0; i < LADDER.length; i++) {
            ScoreCalculator.Score score = score(LADDER[i], days, random);
            scores.add(score);
            rows.add(row(i, score));
        }
        return Ranking.rank(rows);
    }

    private static int truth(SiteSnapshot.Row row) {
        return Integer.parseInt(row.id().substring(1));
    }

    /** Kendall's τ between the ranking's order and the truth (ties in score count half). */
    static double kendall(List<SiteSnapshot.Row> ranked) {
        double concordant = 0;
        int pairs = 0;
        for (int i = 0; i < ranked.size(); i++) {
            for (int j = i + 1; j < ranked.size(); j++) {
                pairs++;
                SiteSnapshot.Row a = ranked.get(i);
                SiteSnapshot.Row b = ranked.get(j);
                if (a.score() != null && a.score().equals(b.score())) {
                    concordant += 0.5;
                } else if (truth(a) < truth(b)) {
                    concordant++;
                }
            }
        }
        return (2 * concordant - pairs) / pairs;
    }

    @Test
    void afterAWeekGradesMeanWhatTheySayAndTheOrderFollowsTheTruth() {
        int[] ninetyNineIsA = new int[1];
        int[] eightyFiveIsA = new int[1];
        double[] taus = new double[SEEDS];
        IntStream.range(0, SEEDS).forEach(seed -> {
            List<ScoreCalculator.Score> scores = new ArrayList<>();
            List<SiteSnapshot.Row> ranked = ladder(Duration.ofDays(7), seed, scores);
            ninetyNineIsA[0] += "A".equals(scores.get(1).grade()) ? 1 : 0;
            eightyFiveIsA[0] += "A".equals(scores.get(8).grade()) ? 1 : 0;
            taus[seed] = kendall(ranked);
        });
        long tauAtLeast09 = java.util.Arrays.stream(taus).filter(t -> t >= 0.9 - 1e-9).count();
        TABLE.add("1 | 7 days | the 85 % platform is A in " + eightyFiveIsA[0] + " seeds | never A |");
        TABLE.add("2 | 7 days | the 99 % platform is A in " + percent(ninetyNineIsA[0]) + " of seeds | ≥ 95 % |");
        TABLE.add("3 | 7 days | Kendall τ ≥ 0.9 in " + percent((int) tauAtLeast09) + " of seeds (median τ "
                + String.format("%.3f", median(taus)) + ") | ≥ 90 % of seeds |");
        assertThat(eightyFiveIsA[0]).as("85 %: never A").isZero();
        assertThat(ninetyNineIsA[0]).as("99 %: A").isGreaterThanOrEqualTo(SEEDS * 95 / 100);
        assertThat(tauAtLeast09).as("τ ≥ 0.9").isGreaterThanOrEqualTo(SEEDS * 90 / 100);
    }

    @Test
    void afterADayRanksClaimOnlyWhatTheEvidenceCarries() {
        int[] claims = new int[1];
        int[] wrong = new int[1];
        int[] places = new int[1];
        int[] tiedRows = new int[1];
        for (int seed = 0; seed < SEEDS; seed++) {
            List<SiteSnapshot.Row> ranked = ladder(Duration.ofDays(1), 10_000 + seed, new ArrayList<>());
            places[0] += (int) ranked.stream().filter(r -> r.rank() > 0).map(SiteSnapshot.Row::rank).distinct().count();
            tiedRows[0] += (int) ranked.stream().filter(SiteSnapshot.Row::tied).count();
            for (SiteSnapshot.Row a : ranked) {
                for (SiteSnapshot.Row b : ranked) {
                    if (a.rank() > 0 && b.rank() > 0 && a.rank() < b.rank()) {
                        claims[0]++;
                        assertThat(a.score()).as("a strict order only between ranges apart")
                                .isGreaterThan(b.scoreHigh());
                        if (truth(a) > truth(b)) {
                            wrong[0]++;
                        }
                    }
                    if (a.rank() == b.rank() && a != b) {
                        assertThat(a.tied()).as("a shared place is marked").isTrue();
                    }
                }
            }
        }
        TABLE.add("4 | 1 day | " + String.format("%.1f", (double) places[0] / SEEDS) + " distinct places for 10 "
                + "platforms on average, " + percent(tiedRows[0] / LADDER.length) + " of platforms marked 差别不显著; "
                + claims[0] + " strict orders shown, " + wrong[0] + " of them wrong | overlapping ranges share a place; "
                + "no strict order the evidence cannot carry |");
        assertThat(wrong[0]).as("strict orders that contradict the truth").isLessThanOrEqualTo(claims[0] / 100);
    }

    private static String percent(int count) {
        return String.format("%.1f %%", 100.0 * count / SEEDS);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
