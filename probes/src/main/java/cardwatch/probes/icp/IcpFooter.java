package cardwatch.probes.icp;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Finds ICP filing numbers in a page: 备案 numbers ({@code <省>ICP备<8 or 10 digits>号[-N]}), 经营许可证
 * ({@code <省>ICP证<digits>号}), 公网安备 numbers and 增值电信 licences ({@code 粤B2-20090059}); in text split across
 * elements, in full-width characters, with odd spacing; and whether the page links to beian.miit.gov.cn. Script and
 * style contents are not text and are never searched.
 */
public final class IcpFooter {

    /** The 31 provincial abbreviations real filings use. */
    public static final String PROVINCES = "京津沪渝冀豫鲁晋陕蒙辽吉黑苏浙皖闽赣鄂湘粤桂琼川黔滇藏甘青宁新";

    private static final String ANY = "(\\p{IsHan})\\s*";
    private static final Pattern BEIAN = Pattern.compile(ANY
            + "I\\s*C\\s*P\\s*备\\s*(\\d[\\d\\s]{6,14}\\d)\\s*号(?:\\s*[-—–]\\s*(\\d{1,3}))?");
    private static final Pattern LICENCE = Pattern.compile(ANY + "I\\s*C\\s*P\\s*证\\s*(\\d[\\d\\s]{3,12}\\d)\\s*号");
    private static final Pattern GONGAN = Pattern.compile(ANY + "公\\s*网\\s*安\\s*备\\s*(\\d[\\d\\s]{10,16}\\d)\\s*号?");
    private static final Pattern TELECOM = Pattern.compile("([" + PROVINCES + "])\\s*B\\s*2\\s*[-—–]\\s*(\\d{8})");

    /**
     * What a page shows.
     *
     * @param numbers      every number found, in page order, each once
     * @param text         the footer text around the first number (or the page's end), for people
     * @param linksToMiit  whether a link points at beian.miit.gov.cn
     */
    public record Finding(List<IcpNumber> numbers, String text, boolean linksToMiit) {

        /** The first 备案 or 经营许可证 number: the site's filing. */
        public IcpNumber filing() {
            return numbers.stream().filter(n -> n.kind() == IcpNumber.Kind.BEIAN).findFirst()
                    .or(() -> numbers.stream().filter(n -> n.kind() == IcpNumber.Kind.LICENCE).findFirst())
                    .orElse(null);
        }
    }

    private IcpFooter() {
    }

    public static Finding read(String html) {
        Document page = Jsoup.parse(html == null ? "" : html);
        boolean miit = !page.select("a[href*=beian.miit.gov.cn]").isEmpty();
        String text = normalise(page.body() == null ? page.text() : page.body().text());
        Set<IcpNumber> found = new LinkedHashSet<>();
        List<int[]> positions = new ArrayList<>();
        find(BEIAN, IcpNumber.Kind.BEIAN, text, found, positions);
        find(LICENCE, IcpNumber.Kind.LICENCE, text, found, positions);
        find(GONGAN, IcpNumber.Kind.GONGAN, text, found, positions);
        find(TELECOM, IcpNumber.Kind.TELECOM, text, found, positions);
        List<IcpNumber> ordered = new ArrayList<>(found);
        String around = positions.isEmpty() ? tail(text)
                : text.substring(Math.max(0, positions.get(0)[0] - 60), Math.min(text.length(), positions.get(0)[1] + 60));
        return new Finding(List.copyOf(ordered), around.strip(), miit);
    }

    private static void find(Pattern pattern, IcpNumber.Kind kind, String text, Set<IcpNumber> found,
            List<int[]> positions) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            String province = m.group(1);
            String digits = m.group(2).replaceAll("\\s", "");
            String suffix = kind == IcpNumber.Kind.BEIAN && m.group(3) != null ? m.group(3) : "";
            String normalised = switch (kind) {
                case BEIAN -> province + "ICP备" + digits + "号" + (suffix.isEmpty() ? "" : "-" + suffix);
                case LICENCE -> province + "ICP证" + digits + "号";
                case GONGAN -> province + "公网安备" + digits + "号";
                case TELECOM -> province + "B2-" + digits;
            };
            if (found.add(new IcpNumber(kind, province, digits, suffix, normalised))) {
                positions.add(new int[] {m.start(), m.end()});
            }
        }
        positions.sort((a, b) -> Integer.compare(a[0], b[0]));
    }

    /** Full-width forms folded (ＩＣＰ备１２３ → ICP备123), non-breaking and zero-width spaces made plain. */
    static String normalise(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC).replaceAll("[\\u200B-\\u200D\\uFEFF]", "")
                .replace('\u00A0', ' ');
    }

    private static String tail(String text) {
        return text.length() <= 120 ? text : text.substring(text.length() - 120);
    }

    /** Whether the number looks made up: a province no filing uses, or a run of one digit (00000000, 66666666). */
    public static String suspicion(IcpNumber number) {
        if ((number.kind() == IcpNumber.Kind.BEIAN || number.kind() == IcpNumber.Kind.LICENCE)
                && PROVINCES.indexOf(number.province()) < 0) {
            return "'" + number.province() + "' is no province abbreviation a filing uses";
        }
        if (number.digits().chars().distinct().count() == 1) {
            return number.digits() + " is a placeholder number";
        }
        if (number.kind() == IcpNumber.Kind.BEIAN && number.digits().length() != 8
                && !(number.digits().length() == 10 && number.digits().startsWith("20"))) {
            return number.digits() + " is neither an 8-digit nor a 10-digit year-prefixed number";
        }
        return null;
    }
}
