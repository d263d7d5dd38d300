package cardwatch.probes.reviews;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The linear half of complaint reading: logistic regression weights over the rules' features, the text's character
 * bigrams and trigrams and its words, one column per category (probability ≥ 0.5: the complaint is about it) and one
 * per resolution (the highest wins). Trained by {@link ComplaintModelTrainer} on the labelled real corpus; stored as
 * named weights ({@code complaint-model.tsv}) so that what it learned can be read.
 */
public final class ComplaintModel {

    static final String RESOURCE = "/cardwatch/probes/reviews/complaint-model.tsv";
    static final List<String> RESOLUTIONS = List.of("open", "replied", "resolved");
    private static final String RES = "resolution:";

    private final List<String> labels;
    private final double ruleScale;
    private final double[] bias;
    private final Map<String, double[]> weights;

    /** {@code ruleScale}: the value the rules' features take (the text's n-grams share one unit among them). */
    ComplaintModel(List<String> labels, double ruleScale, double[] bias, Map<String, double[]> weights) {
        this.labels = List.copyOf(labels);
        this.ruleScale = ruleScale;
        this.bias = bias.clone();
        this.weights = weights;
    }

    /** The columns: each category, then resolution:open, resolution:replied, resolution:resolved. */
    static List<String> labels(List<String> categories) {
        List<String> labels = new ArrayList<>(categories);
        RESOLUTIONS.forEach(r -> labels.add(RES + r));
        return labels;
    }

    /** Whether a feature is one of the rules' (as opposed to the text's n-grams and words). */
    static boolean ruleFeature(String feature) {
        return feature.startsWith("r:") || feature.startsWith("res:") || feature.startsWith("q:");
    }

    /** The features with the rules' ones at {@code scale}. */
    static Map<String, Double> scaled(Map<String, Double> features, double scale) {
        Map<String, Double> out = new HashMap<>(features);
        out.replaceAll((feature, value) -> ruleFeature(feature) ? value * scale : value);
        return out;
    }

    /** The features of a text as this model weighs them. */
    Map<String, Double> featuresOf(String normalised, ComplaintRules.Reading reading) {
        return scaled(features(normalised, reading), ruleScale);
    }

    /** A text's features: the rules' (1 each), and its n-grams and words (together of unit length). */
    static Map<String, Double> features(String normalised, ComplaintRules.Reading reading) {
        Map<String, Double> features = new HashMap<>(reading.features());
        String text = normalised.replaceAll("\\d+(?:\\.\\d+)?", "#");
        Set<String> grams = new LinkedHashSet<>();
        for (int n = 2; n <= 3; n++) {
            for (int i = 0; i + n <= text.length(); i++) {
                grams.add("c:" + text.substring(i, i + n));
            }
        }
        for (String word : ComplaintText.words(text)) {
            grams.add("w:" + word);
        }
        double each = grams.isEmpty() ? 0 : 1 / Math.sqrt(grams.size());
        grams.forEach(g -> features.put(g, each));
        return features;
    }

    /** The categories whose probability reaches one half. */
    Set<String> categories(Map<String, Double> features) {
        double[] scores = scores(features);
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.get(i).startsWith(RES) && scores[i] >= 0) { // logit ≥ 0: probability ≥ 0.5
                found.add(labels.get(i));
            }
        }
        return found;
    }

    /** The resolution with the highest score. */
    String resolution(Map<String, Double> features) {
        double[] scores = scores(features);
        String best = "open";
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).startsWith(RES) && scores[i] > top) {
                top = scores[i];
                best = labels.get(i).substring(RES.length());
            }
        }
        return best;
    }

    private double[] scores(Map<String, Double> features) {
        double[] scores = bias.clone();
        features.forEach((feature, value) -> {
            double[] w = weights.get(feature);
            if (w != null) {
                for (int i = 0; i < scores.length; i++) {
                    scores[i] += w[i] * value;
                }
            }
        });
        return scores;
    }

    List<String> labels() {
        return labels;
    }

    /** Writes the model: a header of labels, the biases, then one line per feature, weights to 4 decimals. */
    void write(Writer out, String comment) throws IOException {
        for (String line : comment.split("\n")) {
            out.write("# " + line + "\n");
        }
        out.write("labels\t" + String.join("\t", labels) + "\n");
        out.write(String.format(Locale.ROOT, "rule-scale\t%.2f\n", ruleScale));
        out.write("bias" + row(bias) + "\n");
        for (Map.Entry<String, double[]> e : new TreeMap<>(weights).entrySet()) {
            out.write(e.getKey().replace('\t', ' ').replace('\n', ' ') + row(e.getValue()) + "\n");
        }
    }

    private static String row(double[] values) {
        StringBuilder row = new StringBuilder();
        for (double v : values) {
            row.append('\t').append(String.format(Locale.ROOT, "%.4f", v));
        }
        return row.toString();
    }

    /** Reads a model written by {@link #write}. */
    static ComplaintModel read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> labels = null;
            double ruleScale = 1;
            double[] bias = null;
            Map<String, double[]> weights = new HashMap<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("# ")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                if (labels == null) {
                    labels = List.of(cells).subList(1, cells.length);
                    continue;
                }
                if (cells[0].equals("rule-scale")) {
                    ruleScale = Double.parseDouble(cells[1]);
                    continue;
                }
                double[] values = new double[labels.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = Double.parseDouble(cells[i + 1]);
                }
                if (bias == null) {
                    bias = values;
                } else {
                    weights.put(cells[0], values);
                }
            }
            if (labels == null || bias == null) {
                throw new IllegalStateException("the complaint model has no labels or no biases");
            }
            return new ComplaintModel(labels, ruleScale, bias, weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
