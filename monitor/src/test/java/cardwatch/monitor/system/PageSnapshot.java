package cardwatch.monitor.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a service answers at a list of paths: taken of a live service and of one restored from its backup, the two
 * must be the same pages.
 */
public final class PageSnapshot {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Scores move with time watched (seconds between the two snapshots): decimals this close are the same. */
    private static final double SAME = 0.01;
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

    private PageSnapshot() {
    }

    /** Each path's body; every answer must be a 200. */
    public static Map<String, String> take(ServiceClient client, List<String> paths) {
        Map<String, String> pages = new LinkedHashMap<>();
        for (String path : paths) {
            HttpResponse<String> answer = client.get(path);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            pages.put(path, answer.body());
        }
        return pages;
    }

    /**
     * The pages once their figures have caught up with the last run (they are rolled up every second or two in the
     * tests that use this): the same twice, 1.5 s apart.
     */
    public static Map<String, String> settled(ServiceClient client, List<String> paths) throws InterruptedException {
        Map<String, String> last = take(client, paths);
        for (int tries = 0; tries < 20; tries++) {
            Thread.sleep(1500);
            Map<String, String> now = take(client, paths);
            if (differing(last, now) == null) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the pages did not settle: " + differing(last, take(client, paths)));
    }

    /**
     * Whether two snapshots are the same pages: JSON the same tree (decimals within {@value #SAME}), anything else
     * the same text.
     */
    public static void assertSame(Map<String, String> expected, Map<String, String> actual) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        String differing = differing(expected, actual);
        assertThat(differing).as(differing).isNull();
    }

    /** Whether two snapshots are the same pages, as {@link #assertSame} compares them. */
    public static boolean same(Map<String, String> expected, Map<String, String> actual) {
        return expected.keySet().equals(actual.keySet()) && differing(expected, actual) == null;
    }

    /** The first path whose pages differ, with both; null when none does. */
    private static String differing(Map<String, String> expected, Map<String, String> actual) {
        for (String path : expected.keySet()) {
            String want = expected.get(path);
            String got = actual.get(path);
            if (want.startsWith("{") || want.startsWith("[")) {
                if (!same(JSON.readTree(want), JSON.readTree(got))) {
                    return path + "\nexpected: " + want + "\n but was: " + got;
                }
            } else {
                String line = firstDifferingLine(withoutRefreshTime(want), withoutRefreshTime(got));
                if (line != null) {
                    return path + ": " + line;
                }
            }
        }
        return null;
    }

    /**
     * A page's footer says when its instance last rolled up the figures: a restored instance did so when it started,
     * which is not the data's time.
     */
    private static String withoutRefreshTime(String page) {
        return page.replaceAll("<span>数据更新于 [^<]*</span>", "<span>数据更新于</span>")
                .replaceAll("<span>Figures updated [^<]*</span>", "<span>Figures updated</span>");
    }

    /**
     * The first line where two pages differ, both ways; null when every line is the same. A page rounds what the JSON
     * gives in full, so a decimal may differ by one unit in its last place (68.149 and 68.151 show as 68.1 and 68.2),
     * and a figure that rounds to a whole number drops its decimals (days watched 0.0004 and 0.0006 show as 0 and
     * 0.001). Two whole numbers must be equal: they are counts and dates.
     */
    static String firstDifferingLine(String want, String got) {
        String[] a = want.split("\n", -1);
        String[] b = got.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "";
            String y = i < b.length ? b[i] : "";
            if (!sameLine(x, y)) {
                return "line " + (i + 1) + "\nexpected: " + x + "\n but was: " + y;
            }
        }
        return null;
    }

    private static boolean sameLine(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        Matcher x = NUMBER.matcher(a);
        Matcher y = NUMBER.matcher(b);
        if (!x.replaceAll("#").equals(y.replaceAll("#"))) {
            return false;
        }
        x.reset();
        y.reset();
        while (x.find() && y.find()) {
            BigDecimal one = new BigDecimal(x.group());
            BigDecimal other = new BigDecimal(y.group());
            int scale = Math.max(one.scale(), other.scale());
            BigDecimal unit = scale == 0 ? BigDecimal.ZERO : BigDecimal.ONE.movePointLeft(scale);
            if (one.subtract(other).abs().compareTo(unit) > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.isIntegralNumber() && b.isIntegralNumber() ? a.asLong() == b.asLong()
                    : Math.abs(a.asDouble() - b.asDouble()) <= SAME;
        }
        if (a.isObject() && b.isObject()) {
            if (!new java.util.HashSet<>(a.propertyNames()).equals(new java.util.HashSet<>(b.propertyNames()))) {
                return false;
            }
            for (String name : a.propertyNames()) {
                if (!same(a.get(name), b.get(name))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
