package cardwatch.probes.reviews;

import com.hankcs.hanlp.HanLP;
import com.hankcs.hanlp.seg.common.Term;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A complaint's text as the rules and the model read it: full-width folded to half-width, traditional characters to
 * simplified (HanLP's dictionaries), variant characters to one form (帐 → 账, 冲值 → 充值), Chinese numerals before a
 * unit to digits (两次 → 2次, 五块钱 → 5块钱, 4万元 → 40000元), lower case and no white space. Also splits it into
 * clauses, and into words (HanLP).
 */
public final class ComplaintText {

    /** Characters of a Chinese numeral. */
    private static final String NUMERAL = "零〇一二两三四五六七八九十百千万";
    /** What may follow a numeral for it to be read as a number: units, counters and 多 (三百多). */
    private static final Pattern CHINESE_NUMBER = Pattern.compile(
            "(?<![\\d.])([零一二两三四五六七八九十][" + NUMERAL + "]*)(?=[次笔元块个天月年周小分秒倍张单份遍台部刀多号星])");
    private static final Pattern TEN_THOUSANDS = Pattern.compile("(\\d+(?:\\.\\d+)?)万(?=[元块])");
    /** 冲 written for 充 where money is meant: 冲值, 冲钱, 冲了50, 冲的钱. */
    private static final Pattern CHONG = Pattern.compile("冲(?=值|钱|的钱|了钱|了\\d)");
    /** Where a clause ends: punctuation, except a full stop between digits (4.5). */
    private static final Pattern CLAUSE_END = Pattern.compile("[，,。！!？?；;：:、\\n()（）\\[\\]【】「」“”\"]|(?<!\\d)\\.|\\.(?!\\d)");

    private ComplaintText() {
    }

    /** The text as the rules read it. */
    public static String normalise(String raw) {
        String text = Normalizer.normalize(raw == null ? "" : raw, Normalizer.Form.NFKC);
        text = HanLP.convertToSimplifiedChinese(text);
        text = text.toLowerCase(Locale.ROOT).replace('帐', '账').replace('〇', '零');
        text = digits(text.replaceAll("\\s+", ""));
        return CHONG.matcher(text).replaceAll("充");
    }

    /** Chinese numerals before a unit written as digits, and 万 before 元 multiplied out. */
    static String digits(String text) {
        Matcher m = CHINESE_NUMBER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Long value = chineseNumber(m.group(1));
            m.appendReplacement(out, value == null ? m.group(1) : Long.toString(value));
        }
        m.appendTail(out);
        Matcher wan = TEN_THOUSANDS.matcher(out.toString());
        StringBuilder multiplied = new StringBuilder();
        while (wan.find()) {
            wan.appendReplacement(multiplied,
                    new BigDecimal(wan.group(1)).multiply(BigDecimal.valueOf(10_000)).stripTrailingZeros()
                            .toPlainString());
        }
        wan.appendTail(multiplied);
        return multiplied.toString();
    }

    /**
     * The value of a Chinese numeral (一百二十, 两千五, 十五, 三万), or null when the characters are no single number
     * (一两 is "one or two", 一一 nothing).
     */
    static Long chineseNumber(String numeral) {
        long total = 0;
        long section = 0;
        long number = 0;
        boolean digitLast = false;
        for (int i = 0; i < numeral.length(); i++) {
            char c = numeral.charAt(i);
            int d = c == '两' ? 2 : "零一二三四五六七八九".indexOf(c);
            if (d >= 0) {
                if (digitLast && number != 0) {
                    return null; // two digits in a row: 一两, 二三
                }
                number = d;
                digitLast = true;
                continue;
            }
            switch (c) {
                case '十', '百', '千' -> {
                    long unit = c == '十' ? 10 : c == '百' ? 100 : 1000;
                    section += (number == 0 && c == '十' ? 1 : number) * unit;
                }
                case '万' -> {
                    total += (section + number == 0 ? 1 : section + number) * 10_000;
                    section = 0;
                }
                default -> {
                    return null;
                }
            }
            number = 0;
            digitLast = false;
        }
        if (digitLast && numeral.length() >= 2) { // 两千五 is 2500, 三百五 350, 一万五 15000
            char unit = numeral.charAt(numeral.length() - 2);
            long scale = unit == '千' ? 100 : unit == '百' ? 10 : unit == '万' ? 1000 : 1;
            return total + section + number * scale;
        }
        long value = total + section + number;
        return value == 0 && !numeral.equals("零") ? null : value;
    }

    /** A clause of the text, and whether it is asked rather than said (it ends in ？ or 吗 吧 么 呢). */
    public record Clause(String text, boolean question) {
    }

    /** The normalised text's clauses, in order. */
    public static List<Clause> clauses(String normalised) {
        List<Clause> clauses = new ArrayList<>();
        Matcher end = CLAUSE_END.matcher(normalised);
        int from = 0;
        while (true) {
            boolean found = end.find();
            int to = found ? end.start() : normalised.length();
            String text = normalised.substring(from, to);
            boolean asked = found && (end.group().equals("?") || end.group().equals("？"));
            if (!text.isEmpty()) {
                String last = text.substring(text.length() - 1);
                clauses.add(new Clause(text, asked || "吗吧么呢".contains(last)));
            } else if (asked && !clauses.isEmpty()) { // 跑路了？？？: the marks belong to the clause before
                Clause before = clauses.remove(clauses.size() - 1);
                clauses.add(new Clause(before.text(), true));
            }
            if (!found) {
                return clauses;
            }
            from = end.end();
        }
    }

    /** The normalised text's words (HanLP's segmentation), punctuation left out. */
    public static List<String> words(String normalised) {
        List<String> words = new ArrayList<>();
        for (Term term : HanLP.segment(normalised)) {
            if (term.nature == null || !term.nature.startsWith("w")) {
                words.add(term.word);
            }
        }
        return words;
    }
}
