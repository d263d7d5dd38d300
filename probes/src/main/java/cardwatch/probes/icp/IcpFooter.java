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
    private static final String SUFFIX = "(?:\\s*[-—–]\\s*(\\d{1,3}))?";
    /** With 号 the digits may be spaced out; without it only a whole 8 or 10-digit number is taken. */
    private static final Pattern BEIAN = Pattern.compile(ANY + "[Ii]\\s*[Cc]\\s*[Pp]\\s*备\\s*[:：]?\\s*"
            + "(?:(\\d[\\d\\s]{6,14}\\d)\\s*号|(\\d{10}|\\d{8})(?!\\d))" + SUFFIX);
    private static final Pattern LICENCE = Pattern.compile(ANY + "[Ii]\\s*[Cc]\\s*[Pp]\\s*证\\s*[:：]?\\s*"
            + "(?:(\\d[\\d\\s]{3,12}\\d)\\s*号|(\\d{5,12})(?!\\d))");
    private static final Pattern GONGAN = Pattern.compile(ANY + "公\\s*网\\s*安\\s*备\\s*(\\d[\\d\\s]{10,16}\\d)\\s*号?");
    /** 增值电信 licences, also when written after an ICP证 label (浙ICP证B2-20150235). */
    private static final Pattern TELECOM = Pattern.compile("([" + PROVINCES + "])\\s*(?:[Ii]\\s*[Cc]\\s*[Pp]\\s*证\\s*[:：]?\\s*)?"
            + "B\\s*2\\s*[-—–]\\s*(\\d{8})");
    /**
     * A filing or licence label whose number is a stand-in: runs of X, x, * or ×, underscores, question marks, or
     * nothing but blanks before 号 (京ICP备XXXXXXXX号-X, 粤ICP证××××××号, 京ICP备*****号, 京ICP备&nbsp;&nbsp;号).
     * Text is compared after NFKC, so full-width Ｘ and ＊ are X and * here.
     */
    private static final Pattern PLACEHOLDER = Pattern.compile("(\\p{IsHan})?\\s*[Ii]\\s*[Cc]\\s*[Pp]\\s*([备证])"
            + "(?:\\s*[:：]?\\s*([\\dXx*×✕_?#○ ]*[Xx*×✕_?#○][\\dXx*×✕_?#○ ]*)\\s*号?(?:\\s*[-—–]\\s*[\\dXx]{1,3})?"
            + "|[\\s_]+号)");

    /**
     * What a page shows.
     *
     * @param numbers      every number found, in page order, each once
     * @param text         the footer text around the first number (or the page's end), for people
     * @param linksToMiit  whether a link points at beian.miit.gov.cn
     * @param placeholders filing or licence labels shown with a stand-in instead of a number, as written
     */
    public record Finding(List<IcpNumber> numbers, String text, boolean linksToMiit, List<String> placeholders) {

        public Finding(List<IcpNumber> numbers, String text, boolean linksToMiit) {
            this(numbers, text, linksToMiit, List.of());
        }

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
        List<String> placeholders = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            placeholders.add(m.group().strip().replaceAll("\\s+", " "));
            positions.add(new int[] {m.start(), m.end()});
        }
        positions.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<IcpNumber> ordered = new ArrayList<>(found);
        String around = positions.isEmpty() ? tail(text)
                : text.substring(Math.max(0, positions.get(0)[0] - 60), Math.min(text.length(), positions.get(0)[1] + 60));
        return new Finding(List.copyOf(ordered), around.strip(), miit, List.copyOf(placeholders));
    }

    private static void find(Pattern pattern, IcpNumber.Kind kind, String text, Set<IcpNumber> found,
            List<int[]> positions) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            String province = m.group(1);
            String spaced = m.group(2) != null || kind == IcpNumber.Kind.GONGAN || kind == IcpNumber.Kind.TELECOM
                    ? m.group(2) : m.group(3);
            String digits = spaced.replaceAll("\\s", "");
            String suffix = kind == IcpNumber.Kind.BEIAN && m.group(4) != null ? m.group(4) : "";
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

    /** 12345678, 87654321, 7890123: every digit one more (or one less) than the one before, 9 and 0 adjacent. */
    static boolean run(String digits) {
        if (digits.length() < 6) {
            return false;
        }
        boolean up = true;
        boolean down = true;
        for (int i = 1; i < digits.length(); i++) {
            int step = Math.floorMod(digits.charAt(i) - digits.charAt(i - 1), 10);
            up &= step == 1;
            down &= step == 9;
        }
        return up || down;
    }

    private static String tail(String text) {
        return text.length() <= 120 ? text : text.substring(text.length() - 120);
    }

    /**
     * Whether the number looks made up: a province no filing uses, a run of one digit (00000000, 66666666), an
     * ascending or descending run (12345678, 87654321), or a length the registry does not issue: 备案 numbers have 8
     * digits or 10 beginning with the year, 经营许可证 (ICP证) numbers 6 (two of the year, four of the serial).
     */
    public static String suspicion(IcpNumber number) {
        if ((number.kind() == IcpNumber.Kind.BEIAN || number.kind() == IcpNumber.Kind.LICENCE)
                && PROVINCES.indexOf(number.province()) < 0) {
            return "'" + number.province() + "' is no province abbreviation a filing uses";
        }
        if (number.digits().chars().distinct().count() == 1) {
            return number.digits() + " is a placeholder number";
        }
        if (number.kind() != IcpNumber.Kind.GONGAN && run(number.digits())) {
            return number.digits() + " is a run of consecutive digits, a placeholder";
        }
        if (number.kind() == IcpNumber.Kind.LICENCE && number.digits().length() != 6) {
            return number.digits() + " has " + number.digits().length() + " digits; ICP证 numbers have 6";
        }
        if (number.kind() == IcpNumber.Kind.BEIAN && number.digits().length() != 8
                && !(number.digits().length() == 10 && number.digits().startsWith("20"))) {
            return number.digits() + " is neither an 8-digit nor a 10-digit year-prefixed number";
        }
        return null;
    }
}
