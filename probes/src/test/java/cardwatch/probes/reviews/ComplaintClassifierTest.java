package cardwatch.probes.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The classifier against a labelled corpus (64 written complaints and the real 黑猫投诉 samples): precision and
 * recall per category are printed, and the whole corpus must reach 0.85 on both.
 */
class ComplaintClassifierTest {

    private static final ComplaintClassifier CLASSIFIER = ComplaintClassifier.standard();

    record Labelled(Set<String> categories, String resolution, BigDecimal amount, String text) {
    }

    static List<Labelled> corpus() throws IOException {
        List<Labelled> corpus = new ArrayList<>();
        try (InputStream in = ComplaintClassifierTest.class.getResourceAsStream("/reviews/corpus.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", 4);
                corpus.add(new Labelled(Set.of(f[0].split(",")), f[1], f[2].equals("-") ? null : new BigDecimal(f[2]),
                        f[3]));
            }
        }
        Path heimao = Path.of("..", "..", "shared", "fixtures", "real", "heimao_example_data.json");
        if (Files.exists(heimao)) {
            JsonNode samples = JsonMapper.builder().build().readTree(Files.readString(heimao));
            List<Set<String>> labels = List.of(Set.of("other"), Set.of("other"), Set.of("support_unresponsive"));
            for (int i = 0; i < samples.size() && i < labels.size(); i++) {
                corpus.add(new Labelled(labels.get(i), "open", null, samples.get(i).path("content").asString()));
            }
        }
        return corpus;
    }

    @Test
    void precisionAndRecallReach085OverTheCorpus() throws IOException {
        List<Labelled> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        Map<String, int[]> counts = new LinkedHashMap<>();
        CLASSIFIER.names().forEach(n -> counts.put(n, new int[3]));
        int resolutionRight = 0;
        List<String> misses = new ArrayList<>();
        for (Labelled item : corpus) {
            ComplaintClassifier.Verdict verdict = CLASSIFIER.classify(item.text());
            for (String name : CLASSIFIER.names()) {
                boolean predicted = verdict.categories().contains(name);
                boolean actual = item.categories().contains(name);
                int[] c = counts.get(name);
                if (predicted && actual) {
                    c[0]++;
                } else if (predicted) {
                    c[1]++;
                } else if (actual) {
                    c[2]++;
                }
            }
            if (!verdict.categories().equals(item.categories())) {
                misses.add(item.categories() + " got " + verdict.categories() + ": " + item.text());
            }
            if (verdict.resolution().equals(item.resolution())) {
                resolutionRight++;
            }
        }
        int tp = 0;
        int fp = 0;
        int fn = 0;
        StringBuilder report = new StringBuilder("category              precision  recall  (tp/fp/fn)\n");
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            tp += c[0];
            fp += c[1];
            fn += c[2];
            report.append(String.format("%-21s %9.2f  %6.2f  (%d/%d/%d)%n", e.getKey(), ratio(c[0], c[0] + c[1]),
                    ratio(c[0], c[0] + c[2]), c[0], c[1], c[2]));
        }
        double precision = ratio(tp, tp + fp);
        double recall = ratio(tp, tp + fn);
        report.append(String.format("%-21s %9.2f  %6.2f  (%d/%d/%d) over %d complaints%n", "all (micro)", precision,
                recall, tp, fp, fn, corpus.size()));
        report.append(String.format("resolution right: %d of %d%n", resolutionRight, corpus.size()));
        misses.forEach(m -> report.append("  miss: ").append(m).append('\n'));
        System.out.println(report);

        assertThat(precision).as(report.toString()).isGreaterThanOrEqualTo(0.85);
        assertThat(recall).as(report.toString()).isGreaterThanOrEqualTo(0.85);
        assertThat((double) resolutionRight / corpus.size()).as(report.toString()).isGreaterThanOrEqualTo(0.85);
    }

    @Test
    void amountsAreRead() throws IOException {
        for (Labelled item : corpus()) {
            if (item.amount() != null) {
                assertThat(CLASSIFIER.classify(item.text()).amount()).as(item.text())
                        .isEqualByComparingTo(item.amount());
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            充值失败后已退款                  | recharge_failed
            不退款                            | no_refund
            已退款                            | other
            没有到账                          | recharge_failed
            没有跑路，放心                     | other
            不是骗子                          | other
            卡密无效而且客服不回复            | invalid_code,support_unresponsive
            """)
    void negationAndResolutionAreRead(String text, String categories) {
        assertThat(CLASSIFIER.classify(text).categories()).isEqualTo(Set.of(categories.split(",")));
    }

    @Test
    void resolutionIsReadFromTheWords() {
        assertThat(CLASSIFIER.classify("问题已解决").resolution()).isEqualTo("resolved");
        assertThat(CLASSIFIER.classify("商家已回复").resolution()).isEqualTo("replied");
        assertThat(CLASSIFIER.classify("充值失败").resolution()).isEqualTo("open");
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 1.0 : (double) a / b;
    }
}
