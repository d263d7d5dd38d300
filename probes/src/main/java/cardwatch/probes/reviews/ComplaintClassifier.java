package cardwatch.probes.reviews;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sorts a complaint into categories from a bounded set, reads the amount it names (元) and whether it was resolved.
 * The text is normalised ({@link ComplaintText}), read by the hand-written rules of {@code categories.yml}
 * ({@link ComplaintRules}: negation, hedges and questions, verbs with their object, counted charges), and the rules'
 * findings together with the text's character n-grams and words are weighed by a linear model trained on real,
 * labelled complaints ({@link ComplaintModel}, {@code complaint-model.tsv}).
 */
public final class ComplaintClassifier {

    /** Anything no category fits. */
    public static final String OTHER = "other";

    /** One category as the pages show it: its plain-Chinese and English labels, and its weight in the score. */
    public record Category(String name, String zh, String en, int severity) {
    }

    /**
     * What a complaint is about.
     *
     * @param categories  one or more, {@link #OTHER} when none fits
     * @param amount      the first amount (元) it names, or null
     * @param resolution  open, replied or resolved, as its text says
     */
    public record Verdict(Set<String> categories, BigDecimal amount, String resolution) {
    }

    private static volatile ComplaintClassifier standard;

    private final ComplaintRules rules;
    private final ComplaintModel model;
    private final Map<String, Category> categories;

    ComplaintClassifier(ComplaintRules rules, ComplaintModel model) {
        this.rules = rules;
        this.model = model;
        Map<String, Category> read = new LinkedHashMap<>();
        rules.categories().values().forEach(c -> read.put(c.name(), new Category(c.name(), c.zh(), c.en(),
                c.severity())));
        this.categories = read;
        if (model != null) {
            List<String> expected = ComplaintModel.labels(new ArrayList<>(read.keySet()));
            if (!model.labels().equals(expected)) {
                throw new IllegalStateException("the complaint model was trained for " + model.labels()
                        + ", the rules have " + expected + ": train it again");
            }
        }
    }

    /** The rules and the model that ship with Cardwatch, read once. */
    public static ComplaintClassifier standard() {
        ComplaintClassifier loaded = standard;
        if (loaded == null) {
            synchronized (ComplaintClassifier.class) {
                if (standard == null) {
                    try (InputStream in = ComplaintClassifier.class.getResourceAsStream(ComplaintModel.RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("no complaint model at " + ComplaintModel.RESOURCE);
                        }
                        standard = new ComplaintClassifier(ComplaintRules.standard(), ComplaintModel.read(in));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                loaded = standard;
            }
        }
        return loaded;
    }

    /** The rules alone, with no model: what the hand-written half says by itself. */
    public static ComplaintClassifier rulesOnly() {
        return new ComplaintClassifier(ComplaintRules.standard(), null);
    }

    /** A classifier with the shipped rules and a given model (for training and measuring). */
    static ComplaintClassifier withModel(ComplaintModel model) {
        return new ComplaintClassifier(ComplaintRules.standard(), model);
    }

    /** Every category, {@link #OTHER} last. */
    public List<String> names() {
        List<String> names = new ArrayList<>(categories.keySet());
        names.add(OTHER);
        return names;
    }

    public Map<String, Category> categories() {
        return categories;
    }

    public Verdict classify(String text) {
        String normalised = ComplaintText.normalise(text);
        ComplaintRules.Reading reading = rules.read(normalised);
        Set<String> found;
        String resolution;
        if (model == null) {
            found = new LinkedHashSet<>(reading.categories());
            resolution = reading.resolution();
        } else {
            Map<String, Double> features = model.featuresOf(normalised, reading);
            found = model.categories(features);
            resolution = model.resolution(features);
        }
        if (found.isEmpty()) {
            found = Set.of(OTHER);
        }
        return new Verdict(Set.copyOf(found), reading.amount(), resolution);
    }
}
