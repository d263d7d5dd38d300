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
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The hand-written half of complaint reading, from {@code categories.yml}: signals with their negation, hedges and
 * questions, verbs read with their object, counted charges, words needed together, and the resolution. What it finds
 * becomes features of the linear model ({@link #read}); on its own it is the classifier's fallback.
 */
final class ComplaintRules {

    static final String RESOURCE = "/cardwatch/probes/reviews/categories.yml";
    private static final String NEGATIVE_START = "不没未无非别";
    private static final Pattern AMOUNT = Pattern.compile(
            "[¥]\\s*(\\d+(?:\\.\\d{1,2})?)"
                    + "|(\\d+(?:\\.\\d{1,2})?)多?(?:元|块钱|块|rmb)"
                    + "|(?:花|充)了?(\\d+(?:\\.\\d{1,2})?)(?![\\d.%]|美元|美金|刀|usd|\\$|个|次|笔|年|月|天|小时|周)"
                    + "|(\\d+(?:\\.\\d{1,2})?)(?=购买|买了)");

    /** One category as the rules and the pages know it. */
    record Category(String name, String zh, String en, int severity, boolean asserted, List<String> signals,
            List<List<String>> together, List<String> notWith) {
    }

    /** A verb read with its object: whose non-arrival it is. */
    record Frame(List<String> verbs, Map<String, List<String>> objects, String fallback) {
    }

    /**
     * What the rules read in a text.
     *
     * @param categories  the categories they find (empty: none)
     * @param resolution  open, replied or resolved
     * @param amount      the first amount in 元, or null
     * @param features    the model's rule features: r:category, r:category:void (a signal negated, hedged or asked),
     *                    res:resolved, res:replied, res:doubt, res:merchant, res:more, q:question
     */
    record Reading(Set<String> categories, String resolution, BigDecimal amount, Map<String, Double> features) {
    }

    private final Map<String, Category> categories;
    private final List<String> negators;
    private final List<String> hedges;
    private final List<String> warnings;
    private final List<String> why;
    private final List<Frame> frames;
    private final String countedCategory;
    private final Pattern countedAfterVerb;
    private final Pattern countedBeforeNoun;
    private final List<String> resolved;
    private final List<String> replied;
    private final List<String> doubts;

    private ComplaintRules(JsonNode root) {
        Map<String, Category> read = new LinkedHashMap<>();
        root.path("categories").properties().forEach(e -> {
            JsonNode c = e.getValue();
            List<List<String>> together = new ArrayList<>();
            c.path("together").forEach(list -> together.add(list(list)));
            read.put(e.getKey(), new Category(e.getKey(), c.path("zh").asString(""), c.path("en").asString(""),
                    c.path("severity").asInt(1), c.path("asserted").asBoolean(false), list(c.path("signals")),
                    List.copyOf(together), list(c.path("notWith"))));
        });
        categories = read;
        negators = list(root.path("negators"));
        hedges = list(root.path("hedges"));
        warnings = list(root.path("warnings"));
        why = list(root.path("why"));
        List<Frame> readFrames = new ArrayList<>();
        root.path("frames").forEach(f -> {
            Map<String, List<String>> objects = new LinkedHashMap<>();
            f.path("objects").properties().forEach(o -> objects.put(o.getKey(), list(o.getValue())));
            readFrames.add(new Frame(list(f.path("verbs")), objects, f.path("default").asString()));
        });
        frames = List.copyOf(readFrames);
        JsonNode counted = root.path("counted");
        countedCategory = counted.path("category").asString();
        countedAfterVerb = Pattern.compile("(?:" + alternatives(list(counted.path("verbs")))
                + ")[^，,。！!？?；;]{0,4}?(\\d+)(?:次|笔|遍)");
        countedBeforeNoun = Pattern.compile("(\\d+)笔[^，,。！!？?；;]{0,4}?(?:"
                + alternatives(list(counted.path("nouns"))) + ")");
        resolved = list(root.path("resolution").path("resolved"));
        replied = list(root.path("resolution").path("replied"));
        doubts = list(root.path("resolution").path("doubts"));
    }

    /** The rules that ship with Cardwatch. */
    static ComplaintRules standard() {
        try (InputStream in = ComplaintRules.class.getResourceAsStream(RESOURCE)) {
            return new ComplaintRules(YAMLMapper.builder().build().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Category> categories() {
        return categories;
    }

    /** Reads a text already normalised by {@link ComplaintText#normalise}. */
    Reading read(String normalised) {
        List<ComplaintText.Clause> clauses = ComplaintText.clauses(normalised);
        Set<String> found = new LinkedHashSet<>();
        Set<String> voided = new LinkedHashSet<>();
        String previous = "";
        for (ComplaintText.Clause clause : clauses) {
            for (Category category : categories.values()) {
                if (category.notWith().stream().anyMatch(clause.text()::contains)) {
                    continue;
                }
                for (String signal : category.signals()) {
                    switch (signalled(clause, signal, category.asserted())) {
                        case SAID -> found.add(category.name());
                        case VOID -> voided.add(category.name());
                        default -> {
                        }
                    }
                }
            }
            for (Frame frame : frames) {
                for (String verb : frame.verbs()) {
                    if (clause.text().contains(verb)) {
                        found.add(object(frame, previous + "|" + clause.text().replace(verb, "")));
                    }
                }
            }
            previous = clause.text();
        }
        for (Category category : categories.values()) {
            if (!category.together().isEmpty() && category.together().stream()
                    .allMatch(words -> words.stream().anyMatch(normalised::contains))) {
                found.add(category.name());
            }
        }
        if (counted(normalised)) {
            found.add(countedCategory);
        }
        voided.removeAll(found);

        Map<String, Double> features = new TreeMap<>();
        found.forEach(c -> features.put("r:" + c, 1.0));
        voided.forEach(c -> features.put("r:" + c + ":void", 1.0));
        boolean isResolved = false;
        boolean doubted = false;
        boolean isReplied = false;
        for (ComplaintText.Clause clause : clauses) {
            for (String phrase : resolved) {
                int at = clause.text().indexOf(phrase);
                if (at >= 0 && !negated(clause.text(), at)) {
                    String before = clause.text().substring(0, at);
                    if (doubts.stream().anyMatch(before::contains)) {
                        doubted = true;
                    } else {
                        isResolved = true;
                    }
                }
            }
            for (String phrase : replied) {
                int at = clause.text().indexOf(phrase);
                if (at >= 0 && !negated(clause.text(), at)) {
                    isReplied = true;
                }
            }
            if (clause.question()) {
                features.put("q:question", 1.0);
            }
        }
        if (isResolved) {
            features.put("res:resolved", 1.0);
        }
        if (doubted) {
            features.put("res:doubt", 1.0);
        }
        if (isReplied) {
            features.put("res:replied", 1.0);
        }
        if (normalised.contains("商家回复")) {
            features.put("res:merchant", 1.0);
        }
        if (normalised.contains("补充")) {
            features.put("res:more", 1.0);
        }
        String resolution = isResolved ? "resolved" : isReplied ? "replied" : "open";
        return new Reading(Set.copyOf(found), resolution, amount(normalised), features);
    }

    private enum Said { ABSENT, SAID, VOID }

    /** Whether a signal is said in a clause, absent, or present but negated, hedged or only asked. */
    private Said signalled(ComplaintText.Clause clause, String signal, boolean asserted) {
        String text = clause.text();
        int at = text.indexOf(signal);
        if (at < 0) {
            return Said.ABSENT;
        }
        boolean asked = asserted && clause.question() && why.stream().noneMatch(text::contains);
        while (at >= 0) {
            boolean negative = NEGATIVE_START.indexOf(signal.charAt(0)) < 0 && negated(text, at);
            String before = text.substring(0, at);
            String after = text.substring(at + signal.length());
            boolean hedged = asserted && (hedges.stream().anyMatch(before::contains)
                    || warnings.stream().anyMatch(after::startsWith));
            if (!negative && !hedged && !asked) {
                return Said.SAID;
            }
            at = text.indexOf(signal, at + 1);
        }
        return Said.VOID;
    }

    /** Whether a negator ends right before position {@code at}. */
    private boolean negated(String text, int at) {
        String before = text.substring(Math.max(0, at - 3), at);
        return negators.stream().anyMatch(before::endsWith);
    }

    private static String object(Frame frame, String clause) {
        for (Map.Entry<String, List<String>> object : frame.objects().entrySet()) {
            if (object.getValue().stream().anyMatch(clause::contains)) {
                return object.getKey();
            }
        }
        return frame.fallback();
    }

    /** A charge with a count of two or more. */
    private boolean counted(String text) {
        for (Pattern pattern : List.of(countedAfterVerb, countedBeforeNoun)) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                String count = m.group(1);
                if (count.length() <= 3 && Integer.parseInt(count) >= 2) {
                    return true;
                }
            }
        }
        return false;
    }

    private static BigDecimal amount(String text) {
        Matcher m = AMOUNT.matcher(text);
        if (!m.find()) {
            return null;
        }
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null) {
                return new BigDecimal(m.group(g));
            }
        }
        return null;
    }

    private static String alternatives(List<String> words) {
        return words.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    }

    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asString()));
        return List.copyOf(out);
    }
}
