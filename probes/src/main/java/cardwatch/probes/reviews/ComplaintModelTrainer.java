package cardwatch.probes.reviews;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains {@link ComplaintModel} with liblinear's L2-regularised logistic regression: one binary model per category
 * (positives weighted by the square root of how much rarer they are) and one three-way model for the resolution,
 * over the features seen in at least {@link #MIN_DOCUMENTS} training texts. Two settings, the regularisation C and
 * the value the rules' features take against the text's n-grams, are chosen from {@link #GRID} by
 * {@link #INNER_FOLDS}-fold cross-validation on the training texts alone ({@link #choose}). Deterministic: the same
 * corpus gives the same weights.
 *
 * <p>{@code main(corpus.tsv, model.tsv)} trains on a labelled corpus (the format of {@code real-corpus.tsv}) and
 * writes the model: {@code ./mvnw -q -pl probes compile exec:java
 * -Dexec.mainClass=cardwatch.probes.reviews.ComplaintModelTrainer
 * -Dexec.args="src/test/resources/reviews/real-corpus.tsv src/main/resources/cardwatch/probes/reviews/complaint-model.tsv"}.
 */
public final class ComplaintModelTrainer {

    static final int MIN_DOCUMENTS = 2;
    static final int INNER_FOLDS = 4;
    private static final long SEED = 20261202L;

    /** The regularisation (larger: the data is trusted more) and the value of the rules' features. */
    public record Settings(double c, double ruleScale) {
    }

    /** The settings {@link #choose} tries, cheapest (most regularised, rules weighed least) first. */
    static final List<Settings> GRID = List.of(new Settings(0.5, 1), new Settings(1, 1), new Settings(2, 1),
            new Settings(0.5, 2), new Settings(1, 2), new Settings(2, 2), new Settings(0.5, 3), new Settings(1, 3),
            new Settings(2, 3));

    /** A labelled text. */
    public record Example(String text, Set<String> categories, String resolution) {
    }

    private ComplaintModelTrainer() {
    }

    /** Reads a labelled corpus: source, url, categories, resolution, amount, text; # lines are comments. */
    public static List<Example> read(Path corpus) throws IOException {
        List<Example> examples = new ArrayList<>();
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 6);
            examples.add(new Example(f[5], Set.of(f[2].split(",")), f[3]));
        }
        return examples;
    }

    /** A text's features at rule scale 1, as {@link ComplaintModel#features} makes them. */
    public static Function<String, Map<String, Double>> featurizer(ComplaintRules rules) {
        return text -> {
            String normalised = ComplaintText.normalise(text);
            return ComplaintModel.features(normalised, rules.read(normalised));
        };
    }

    /** Chooses the settings, then trains on all the examples with them. */
    public static ComplaintModel train(List<Example> examples, ComplaintRules rules, List<String> categories) {
        Function<String, Map<String, Double>> features = memo(featurizer(rules));
        return train(examples, categories, choose(examples, categories, features), features);
    }

    /** The settings of {@link #GRID} with the best micro F1 over the categories, by cross-validation on the examples. */
    public static Settings choose(List<Example> examples, List<String> categories,
            Function<String, Map<String, Double>> features) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(SEED));
        Settings best = GRID.get(0);
        double bestF1 = -1;
        for (Settings settings : GRID) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int fold = 0; fold < INNER_FOLDS; fold++) {
                List<Example> train = new ArrayList<>();
                List<Example> test = new ArrayList<>();
                for (int k = 0; k < order.size(); k++) {
                    (k % INNER_FOLDS == fold ? test : train).add(examples.get(order.get(k)));
                }
                ComplaintModel model = train(train, categories, settings, features);
                for (Example example : test) {
                    Set<String> predicted = model.categories(
                            ComplaintModel.scaled(features.apply(example.text()), settings.ruleScale()));
                    if (predicted.isEmpty()) {
                        predicted = Set.of(ComplaintClassifier.OTHER);
                    }
                    for (String p : predicted) {
                        if (example.categories().contains(p)) {
                            tp++;
                        } else {
                            fp++;
                        }
                    }
                    for (String a : example.categories()) {
                        fn += predicted.contains(a) ? 0 : 1;
                    }
                }
            }
            double f1 = 2.0 * tp / Math.max(1, 2 * tp + fp + fn);
            if (f1 > bestF1 + 1e-9) {
                bestF1 = f1;
                best = settings;
            }
        }
        return best;
    }

    /** A function that remembers what it gave for each text. */
    public static Function<String, Map<String, Double>> memo(Function<String, Map<String, Double>> features) {
        Map<String, Map<String, Double>> seen = new ConcurrentHashMap<>();
        return text -> seen.computeIfAbsent(text, features);
    }

    /** Trains a model on the examples with the given settings. */
    public static ComplaintModel train(List<Example> examples, List<String> categories, Settings settings,
            Function<String, Map<String, Double>> features) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (Example example : examples) {
            rows.add(ComplaintModel.scaled(features.apply(example.text()), settings.ruleScale()));
        }
        Map<String, Integer> documents = new TreeMap<>();
        rows.forEach(row -> row.keySet().forEach(f -> documents.merge(f, 1, Integer::sum)));
        Map<String, Integer> index = new LinkedHashMap<>();
        documents.forEach((feature, count) -> {
            if (count >= MIN_DOCUMENTS || ComplaintModel.ruleFeature(feature)) {
                index.put(feature, index.size() + 1);
            }
        });
        Feature[][] x = new Feature[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = vector(rows.get(i), index);
        }

        List<String> labels = ComplaintModel.labels(categories);
        double[] bias = new double[labels.size()];
        Map<String, double[]> weights = new HashMap<>();
        index.keySet().forEach(f -> weights.put(f, new double[labels.size()]));
        List<String> names = new ArrayList<>(index.keySet());
        Linear.disableDebugOutput();
        Linear.resetRandom();
        for (int c = 0; c < categories.size(); c++) {
            String category = categories.get(c);
            double[] y = new double[examples.size()];
            int positives = 0;
            for (int i = 0; i < y.length; i++) {
                y[i] = examples.get(i).categories().contains(category) ? 1 : -1;
                positives += y[i] > 0 ? 1 : 0;
            }
            if (positives == 0) {
                bias[c] = -10; // never seen: never predicted
                continue;
            }
            Parameter parameter = new Parameter(SolverType.L2R_LR, settings.c(), 0.001);
            parameter.setWeights(new double[] {Math.sqrt((y.length - positives) / (double) positives), 1},
                    new int[] {1, -1});
            Model model = Linear.train(problem(x, y, index.size()), parameter);
            double sign = model.getLabels()[0] == 1 ? 1 : -1; // liblinear's weights are for its first label
            double[] w = model.getFeatureWeights();
            for (int f = 0; f < names.size(); f++) {
                weights.get(names.get(f))[c] = sign * w[f];
            }
            bias[c] = sign * w[names.size()];
        }
        double[] y = new double[examples.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = ComplaintModel.RESOLUTIONS.indexOf(examples.get(i).resolution());
        }
        Model model = Linear.train(problem(x, y, index.size()),
                new Parameter(SolverType.L2R_LR, settings.c(), 0.001));
        int[] order = model.getLabels();
        for (int r = 0; r < ComplaintModel.RESOLUTIONS.size(); r++) {
            bias[categories.size() + r] = -1e9; // a resolution no training text has is never chosen
        }
        double[] w = model.getFeatureWeights();
        int classes = model.getNrClass();
        for (int k = 0; k < classes; k++) {
            int column = categories.size() + order[k];
            if (classes == 2) { // two resolutions seen: one weight vector, for the first label
                double sign = k == 0 ? 1 : -1;
                for (int f = 0; f < names.size(); f++) {
                    weights.get(names.get(f))[column] = sign * w[f];
                }
                bias[column] = sign * w[names.size()];
            } else {
                for (int f = 0; f < names.size(); f++) {
                    weights.get(names.get(f))[column] = w[f * classes + k];
                }
                bias[column] = w[names.size() * classes + k];
            }
        }
        weights.values().removeIf(row -> Arrays.stream(row).allMatch(v -> Math.abs(v) < 5e-5));
        return new ComplaintModel(labels, settings.ruleScale(), bias, weights);
    }

    private static Feature[] vector(Map<String, Double> row, Map<String, Integer> index) {
        return row.entrySet().stream().filter(e -> index.containsKey(e.getKey()))
                .map(e -> new FeatureNode(index.get(e.getKey()), e.getValue()))
                .sorted((a, b) -> Integer.compare(a.getIndex(), b.getIndex()))
                .toArray(Feature[]::new);
    }

    private static Problem problem(Feature[][] x, double[] y, int features) {
        Problem problem = new Problem();
        problem.l = y.length;
        problem.n = features + 1;
        problem.x = withBias(x, features + 1);
        problem.y = y;
        problem.bias = 1;
        return problem;
    }

    private static Feature[][] withBias(Feature[][] x, int biasIndex) {
        Feature[][] out = new Feature[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = Arrays.copyOf(x[i], x[i].length + 1);
            out[i][x[i].length] = new FeatureNode(biasIndex, 1);
        }
        return out;
    }

    /** Trains on a corpus file and writes the model file. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ComplaintModelTrainer <labelled corpus .tsv> <model .tsv to write>");
            System.exit(2);
        }
        List<Example> examples = read(Path.of(args[0]));
        ComplaintRules rules = ComplaintRules.standard();
        List<String> categories = new ArrayList<>(rules.categories().keySet());
        Function<String, Map<String, Double>> features = memo(featurizer(rules));
        Settings settings = choose(examples, categories, features);
        ComplaintModel model = train(examples, categories, settings, features);
        try (Writer out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            model.write(out, "Complaint model: logistic regression weights, trained by ComplaintModelTrainer on "
                    + examples.size() + " labelled real complaints\n(" + Path.of(args[0]).getFileName()
                    + ") with C " + settings.c() + " and rule features at " + settings.ruleScale()
                    + ", chosen by cross-validation.\nDo not edit: train again (see README, Complaints).");
        }
        System.out.println("trained on " + examples.size() + " complaints with " + settings + ": " + args[1]);
    }
}
