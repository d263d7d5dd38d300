package cardwatch.probes.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classifier on real complaints it was not trained on. The real corpus (203 texts from 96 public sources,
 * {@code real-corpus.tsv}) is scored by 10-fold cross-validation, the model trained afresh on nine tenths (its
 * settings chosen by cross-validation within those nine tenths) and scored on the tenth, and by a split by source
 * (no source in both halves, each half trained on the other). The
 * targets apply to the cross-validation: micro precision and recall of at least 0.80 and a resolution right in at
 * least 90 % of texts, better than answering "open" every time. The rules alone are reported too; they were written
 * with this set in view, so theirs is no held-out figure.
 */
class RealCorpusTest {

    private static final int FOLDS = 10;
    private static final long SEED = 20261202L;

    record Labelled(String source, Set<String> categories, String resolution, String amount, String text) {
    }

    /** Per category: true positives, false positives, false negatives; and resolutions right, texts exactly right. */
    static final class Score {
        final Map<String, int[]> counts = new LinkedHashMap<>();
        int resolutionRight;
        int exact;
        int texts;
        int alwaysOpen;

        Score(List<String> names) {
            names.forEach(n -> counts.put(n, new int[3]));
        }

        void add(Labelled item, ComplaintClassifier.Verdict verdict) {
            texts++;
            for (Map.Entry<String, int[]> e : counts.entrySet()) {
                boolean predicted = verdict.categories().contains(e.getKey());
                boolean actual = item.categories().contains(e.getKey());
                int[] c = e.getValue();
                if (predicted && actual) {
                    c[0]++;
                } else if (predicted) {
                    c[1]++;
                } else if (actual) {
                    c[2]++;
                }
            }
            resolutionRight += verdict.resolution().equals(item.resolution()) ? 1 : 0;
            alwaysOpen += item.resolution().equals("open") ? 1 : 0;
            exact += verdict.categories().equals(item.categories()) ? 1 : 0;
        }

        int[] micro() {
            int[] sum = new int[3];
            counts.values().forEach(c -> {
                for (int i = 0; i < 3; i++) {
                    sum[i] += c[i];
                }
            });
            return sum;
        }

        double precision() {
            int[] m = micro();
            return ratio(m[0], m[0] + m[1]);
        }

        double recall() {
            int[] m = micro();
            return ratio(m[0], m[0] + m[2]);
        }

        double resolution() {
            return ratio(resolutionRight, texts);
        }

        String table(String title) {
            StringBuilder out = new StringBuilder(title).append('\n')
                    .append("| category | precision | recall | tp / fp / fn |\n| --- | --- | --- | --- |\n");
            counts.forEach((name, c) -> out.append(String.format("| %s | %.2f | %.2f | %d / %d / %d |%n", name,
                    ratio(c[0], c[0] + c[1]), ratio(c[0], c[0] + c[2]), c[0], c[1], c[2])));
            int[] m = micro();
            out.append(String.format("| **all (micro)** | **%.2f** | **%.2f** | %d / %d / %d |%n", precision(),
                    recall(), m[0], m[1], m[2]));
            out.append(String.format("%nresolution right: %.2f (%d of %d); answering \"open\" every time: %.2f; "
                    + "category set exactly right: %.2f%n", resolution(), resolutionRight, texts,
                    ratio(alwaysOpen, texts), ratio(exact, texts)));
            return out.toString();
        }
    }

    private static List<Labelled> corpus;
    private static List<String> names;

    @BeforeAll
    static void load() throws IOException {
        corpus = read("/reviews/real-corpus.tsv");
        names = ComplaintClassifier.rulesOnly().names();
    }

    static List<Labelled> read(String resource) throws IOException {
        List<Labelled> items = new ArrayList<>();
        try (var in = RealCorpusTest.class.getResourceAsStream(resource)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", 6);
                items.add(new Labelled(f[0], Set.of(f[2].split(",")), f[3], f[4], f[5]));
            }
        }
        return items;
    }

    private static List<ComplaintModelTrainer.Example> examples(List<Labelled> items) {
        return items.stream().map(i -> new ComplaintModelTrainer.Example(i.text(), i.categories(), i.resolution()))
                .toList();
    }

    private static final ComplaintRules RULES = ComplaintRules.standard();
    private static final List<String> CATEGORIES = new ArrayList<>(RULES.categories().keySet());
    /** Every text's features, computed once for all the trainings. */
    private static final java.util.function.Function<String, Map<String, Double>> FEATURES =
            ComplaintModelTrainer.memo(ComplaintModelTrainer.featurizer(RULES));

    /** The whole procedure on the given texts only: settings chosen by cross-validation on them, then trained. */
    private static ComplaintClassifier trainedOn(List<Labelled> items) {
        List<ComplaintModelTrainer.Example> examples = examples(items);
        return ComplaintClassifier.withModel(ComplaintModelTrainer.train(examples, CATEGORIES,
                ComplaintModelTrainer.choose(examples, CATEGORIES, FEATURES), FEATURES));
    }

    @Test
    void crossValidatedOnRealComplaintsItReachesItsTargets() throws IOException {
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        assertThat(corpus.stream().map(Labelled::source).distinct().count()).isGreaterThanOrEqualTo(50);
        // every label is a known category or other, every resolution a known one: a typo would score as a miss
        corpus.forEach(item -> {
            assertThat(names).as(item.text()).containsAll(item.categories());
            assertThat(ComplaintModel.RESOLUTIONS).as(item.text()).contains(item.resolution());
        });

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(SEED));
        Score crossValidated = new Score(names);
        for (int fold = 0; fold < FOLDS; fold++) {
            List<Labelled> train = new ArrayList<>();
            List<Labelled> test = new ArrayList<>();
            for (int k = 0; k < order.size(); k++) {
                (k % FOLDS == fold ? test : train).add(corpus.get(order.get(k)));
            }
            ComplaintClassifier classifier = trainedOn(train);
            test.forEach(item -> crossValidated.add(item, classifier.classify(item.text())));
        }

        Score bySource = bySource();
        Score rules = new Score(names);
        ComplaintClassifier rulesOnly = ComplaintClassifier.rulesOnly();
        corpus.forEach(item -> rules.add(item, rulesOnly.classify(item.text())));

        String report = crossValidated.table("### Real corpus, 10-fold cross-validation (" + corpus.size()
                + " complaints)") + "\n" + bySource.table("### Real corpus, split by source (each half trained "
                + "on the other; no source in both)") + "\n" + rules.table("### Rules alone on the real corpus "
                + "(written with it in view: not held out)");
        System.out.println(report);
        Path target = Path.of("target", "complaint-report.md");
        Files.createDirectories(target.getParent());
        Files.writeString(target, report, StandardCharsets.UTF_8);

        assertThat(crossValidated.precision()).as(report).isGreaterThanOrEqualTo(0.80);
        assertThat(crossValidated.recall()).as(report).isGreaterThanOrEqualTo(0.80);
        assertThat(crossValidated.resolution()).as(report).isGreaterThanOrEqualTo(0.90)
                .isGreaterThan(ratio(crossValidated.alwaysOpen, crossValidated.texts));
    }

    /** Two halves of the sources, as even in texts as a greedy split makes them; each half scored by the other. */
    private static Score bySource() {
        Map<String, List<Labelled>> sources = new TreeMap<>();
        corpus.forEach(item -> sources.computeIfAbsent(item.source(), s -> new ArrayList<>()).add(item));
        List<List<Labelled>> groups = new ArrayList<>(sources.values());
        groups.sort((a, b) -> b.size() != a.size() ? b.size() - a.size()
                : a.get(0).source().compareTo(b.get(0).source()));
        List<Labelled> first = new ArrayList<>();
        List<Labelled> second = new ArrayList<>();
        for (List<Labelled> group : groups) {
            (first.size() <= second.size() ? first : second).addAll(group);
        }
        Score score = new Score(names);
        ComplaintClassifier onFirst = trainedOn(first);
        ComplaintClassifier onSecond = trainedOn(second);
        second.forEach(item -> score.add(item, onFirst.classify(item.text())));
        first.forEach(item -> score.add(item, onSecond.classify(item.text())));
        return score;
    }

    @Test
    void theShippedModelIsTheOneTheCorpusTrains() throws IOException, URISyntaxException {
        List<ComplaintModelTrainer.Example> examples = ComplaintModelTrainer.read(
                Path.of(RealCorpusTest.class.getResource("/reviews/real-corpus.tsv").toURI()));
        ComplaintModel model = ComplaintModelTrainer.train(examples, CATEGORIES,
                ComplaintModelTrainer.choose(examples, CATEGORIES, FEATURES), FEATURES);
        StringWriter trained = new StringWriter();
        model.write(trained, "");
        String shipped;
        try (var in = ComplaintModel.class.getResourceAsStream(ComplaintModel.RESOURCE)) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Function<String, String> weightsOnly = text -> text.lines().filter(l -> !l.startsWith("#"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(weightsOnly.apply(shipped)).as("complaint-model.tsv is stale: train it again (README, Complaints)")
                .isEqualTo(weightsOnly.apply(trained.toString()));
    }

    @Test
    void amountsAreReadWhereTheLabelsGiveOne() {
        ComplaintClassifier classifier = ComplaintClassifier.standard();
        corpus.stream().filter(item -> !item.amount().equals("-")).forEach(item ->
                assertThat(classifier.classify(item.text()).amount()).as(item.text())
                        .isEqualByComparingTo(new java.math.BigDecimal(item.amount())));
    }

    static double ratio(int a, int b) {
        return b == 0 ? 1.0 : (double) a / b;
    }
}
