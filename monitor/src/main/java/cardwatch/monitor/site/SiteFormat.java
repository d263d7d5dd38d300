package cardwatch.monitor.site;

import cardwatch.probes.reviews.ComplaintClassifier;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.context.MessageSource;

/**
 * How the pages write numbers, times, grades and reasons in the reader's language. Handed to the templates as
 * {@code fmt}; everything it returns is plain text, escaped by the template.
 */
public final class SiteFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final MessageSource messages;
    private final Locale locale;
    private final ZoneId zone;

    SiteFormat(MessageSource messages, Locale locale, ZoneId zone) {
        this.messages = messages;
        this.locale = locale;
        this.zone = zone;
    }

    public boolean english() {
        return locale.getLanguage().equals("en");
    }

    /** The {@code lang} parameter every link carries, so a reader stays in the language they chose. */
    public String lang() {
        return english() ? "en" : "zh";
    }

    public String msg(String key, Object... args) {
        return messages.getMessage(key, args, key, locale);
    }

    /** "98.5%" or "—" without runs, with the run count: "98.5% (197/200)". */
    public String ratio(SiteSnapshot.Ratio ratio) {
        return ratio.value() == null ? "—" : percent(ratio.value()) + " (" + ratio.successes() + "/" + ratio.runs()
                + ")";
    }

    public String percent(Double share) {
        return share == null ? "—" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    public String seconds(Double seconds) {
        if (seconds == null) {
            return "—";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f %s", seconds, msg("unit.seconds"));
        }
        return String.format(Locale.ROOT, "%.1f %s", seconds / 60, msg("unit.minutes"));
    }

    public String score(Double score) {
        return score == null ? "—" : String.format(Locale.ROOT, "%.1f", score);
    }

    public String number(Object value) {
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e12 ? Long.toString(d.longValue())
                    : String.format(Locale.ROOT, "%.3f", d).replaceAll("0+$", "");
        }
        return String.valueOf(value);
    }

    /**
     * A score input's value in words a buyer reads: an ICP status by its label, a yes/no as 是/否, a share as a
     * percentage, seconds as seconds or minutes; never a raw code or {@code true}/{@code false}.
     */
    public String input(String key, Object value) {
        if (value == null) {
            return "—";
        }
        if (key.equals("icp_status")) {
            return icp(String.valueOf(value));
        }
        if (value instanceof Boolean yes) {
            return msg(yes ? "value.yes" : "value.no");
        }
        if (key.endsWith("_ratio") || key.startsWith("wilson_")) {
            return value instanceof Number n ? percent(n.doubleValue()) : String.valueOf(value);
        }
        if (key.endsWith("_seconds") && value instanceof Number n) {
            return seconds(n.doubleValue());
        }
        return number(value);
    }

    public String time(Instant at) {
        return at == null ? "—" : TIME.format(at.atZone(zone));
    }

    /** The grade's words: "A", or "证据不足" / "insufficient evidence" for "?". */
    public String grade(String grade) {
        return "?".equals(grade) ? msg("grade.unknown") : grade;
    }

    /** An icon beside the grade, so colour is never the only signal. */
    public String gradeIcon(String grade) {
        return switch (grade) {
            case "A", "B" -> "✔";
            case "C", "D" -> "!";
            case "F" -> "✖";
            default -> "?";
        };
    }

    /** CSS class for a grade: grade-a … grade-f, grade-unknown. */
    public String gradeClass(String grade) {
        return "?".equals(grade) ? "grade-unknown" : "grade-" + grade.toLowerCase(Locale.ROOT);
    }

    public String reason(String code) {
        return messages.getMessage("reason." + code, null, code, locale);
    }

    /**
     * A complaint's categories in words, in the classifier's order (its Chinese or English label; other as
     * complaint.other); a category the classifier no longer knows is left out rather than shown raw.
     */
    public java.util.List<String> complaintCategories(java.util.List<String> names) {
        java.util.Map<String, ComplaintClassifier.Category> known = ComplaintClassifier.standard().categories();
        java.util.List<String> words = new java.util.ArrayList<>();
        for (String name : ComplaintClassifier.standard().names()) {
            if (!names.contains(name)) {
                continue;
            }
            ComplaintClassifier.Category category = known.get(name);
            words.add(category == null ? msg("complaint.other") : english() ? category.en() : category.zh());
        }
        return words;
    }

    public String advice(String code) {
        return messages.getMessage("reason." + code + ".advice", null, msg("reason.default.advice"), locale);
    }

    public String probe(String probe) {
        return messages.getMessage("probe." + probe, null, probe, locale);
    }

    public String icp(String status) {
        return status == null ? msg("icp.unchecked") : messages.getMessage("icp." + status, null, status, locale);
    }

    public String dayState(String state) {
        return msg("day." + state);
    }

    public String dayIcon(String state) {
        return switch (state) {
            case "ok" -> "✔";
            case "degraded" -> "!";
            case "outage" -> "✖";
            case "maintenance" -> "⚙";
            default -> "·";
        };
    }

    /** A day bar's text: "2026-11-20: 95.8% (23/24), 1 maintenance". */
    public String day(SiteSnapshot.DayBar bar) {
        StringBuilder text = new StringBuilder(bar.day().toString()).append(": ").append(dayState(bar.state()));
        if (bar.ratio() != null) {
            text.append(", ").append(percent(bar.ratio())).append(" (").append(bar.successes()).append('/')
                    .append(bar.successes() + bar.failures()).append(')');
        }
        if (bar.maintenance() > 0) {
            text.append(", ").append(msg("day.maintenance.runs", bar.maintenance()));
        }
        return text.toString();
    }
}
