package cardwatch.probes.reviews;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Sorts a complaint into categories from a bounded set, by the rules in {@code categories.yml}: a category's
 * signals count unless a negator stands right before them (没有跑路) or one of its "unless" phrases shows it did not
 * happen after all (已退款 is no 不退款). Also reads the amount (元) and whether it was resolved.
 */
public final class ComplaintClassifier {

    /** Anything no rule matched. */
    public static final String OTHER = "other";
    private static final String RULES = "/cardwatch/probes/reviews/categories.yml";
    private static final Pattern AMOUNT = Pattern.compile(
            "(?:[¥￥]\\s*(\\d+(?:\\.\\d{1,2})?))|(\\d+(?:\\.\\d{1,2})?)\\s*(?:元|块钱|块|rmb|RMB)");

    /** One category's rule. */
    public record Category(String name, String zh, String en, int severity, List<String> signals,
            List<String> unless) {
    }

    /**
     * What a complaint is about.
     *
     * @param categories  one or more, {@link #OTHER} when no rule matched
     * @param amount      the first amount (元) it names, or null
     * @param resolution  open, replied or resolved, as its text says
     */
    public record Verdict(Set<String> categories, BigDecimal amount, String resolution) {
    }

    private final Map<String, Category> categories;
    private final List<String> negators;
    private final List<String> resolved;
    private final List<String> replied;

    private ComplaintClassifier(Map<String, Category> categories, List<String> negators, List<String> resolved,
            List<String> replied) {
        this.categories = categories;
        this.negators = negators;
        this.resolved = resolved;
        this.replied = replied;
    }

    /** The rules that ship with Cardwatch. */
    public static ComplaintClassifier standard() {
        try (InputStream in = ComplaintClassifier.class.getResourceAsStream(RULES)) {
            JsonNode root = YAMLMapper.builder().build().readTree(in);
            Map<String, Category> categories = new LinkedHashMap<>();
            root.path("categories").properties().forEach(e -> {
                JsonNode c = e.getValue();
                categories.put(e.getKey(), new Category(e.getKey(), c.path("zh").asString(""),
                        c.path("en").asString(""), c.path("severity").asInt(1), list(c.path("signals")),
                        list(c.path("unless"))));
            });
            return new ComplaintClassifier(categories, list(root.path("negators")),
                    list(root.path("resolution").path("resolved")), list(root.path("resolution").path("replied")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        String plain = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC).replaceAll("\\s+", "");
        Set<String> found = new LinkedHashSet<>();
        for (Category category : categories.values()) {
            if (category.unless().stream().anyMatch(plain::contains)) {
                continue;
            }
            if (category.signals().stream().anyMatch(signal -> signalled(plain, signal))) {
                found.add(category.name());
            }
        }
        if (found.isEmpty()) {
            found.add(OTHER);
        }
        String resolution = resolved.stream().anyMatch(plain::contains) ? "resolved"
                : replied.stream().anyMatch(plain::contains) ? "replied" : "open";
        return new Verdict(Set.copyOf(found), amount(plain), resolution);
    }

    /** Whether {@code signal} occurs at least once without a negator right before it. */
    private boolean signalled(String text, String signal) {
        int at = text.indexOf(signal);
        while (at >= 0) {
            String before = text.substring(Math.max(0, at - 3), at);
            if (negators.stream().noneMatch(before::endsWith)) {
                return true;
            }
            at = text.indexOf(signal, at + 1);
        }
        return false;
    }

    private static BigDecimal amount(String text) {
        Matcher m = AMOUNT.matcher(text);
        if (!m.find()) {
            return null;
        }
        return new BigDecimal(m.group(1) != null ? m.group(1) : m.group(2));
    }

    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asString()));
        return List.copyOf(out);
    }
}
