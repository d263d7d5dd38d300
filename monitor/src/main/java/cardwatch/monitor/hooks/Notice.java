package cardwatch.monitor.hooks;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What an alert tells: an incident opened, reopened or resolved.
 *
 * @param key        stable per message: the receivers' dedup key
 * @param incidentId the incident
 * @param event      opened, reopened or resolved
 * @param platform   the platform id ({@code _monitor} for "monitor degraded")
 * @param name       the platform's display name in the message's language
 * @param probe      purchase, availability or self-check
 * @param cause      the dominant failure reason
 * @param since      when the incident opened
 * @param at         when this happened
 * @param link       where to look
 * @param language   zh or en
 * @param thread     the same for every message about one incident or alert (PagerDuty's dedup_key)
 * @param severity   critical (purchases, the self-check), warning (availability) or an alert's severity label
 * @param digest     for a group of notices sent as one message, its text; null otherwise
 * @param why        why the incident opened, in the message's language ("4 次测试购买连续失败"); empty when unknown
 */
public record Notice(String key, long incidentId, String event, String platform, String name, String probe,
        String cause, Instant since, Instant at, String link, String language, String thread, String severity,
        String digest, String why) {

    public Notice {
        why = why == null ? "" : why;
    }

    public Notice(String key, long incidentId, String event, String platform, String name, String probe, String cause,
            Instant since, Instant at, String link, String language, String thread, String severity) {
        this(key, incidentId, event, platform, name, probe, cause, since, at, link, language, thread, severity, null,
                "");
    }

    /** Several notices as one message: a count, then each notice's text. */
    public static Notice group(java.util.List<Notice> notices) {
        Notice first = notices.get(0);
        String head = "en".equals(first.language()) ? "[Cardwatch] " + notices.size() + " alerts"
                : "【Cardwatch】" + notices.size() + " 条告警";
        StringBuilder text = new StringBuilder(head);
        notices.forEach(n -> text.append("\n\n").append(n.text()));
        return new Notice("group-" + first.key() + "-" + notices.size(), first.incidentId(), "group", first.platform(),
                first.name(), first.probe(), first.cause(), first.since(), first.at(), first.link(), first.language(),
                first.thread(), first.severity(), text.toString(), "");
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    public boolean resolved() {
        return "resolved".equals(event);
    }

    public boolean reminder() {
        return "reminder".equals(event);
    }

    /** A title and the lines of the message, in its language. */
    public String title() {
        if ("reports".equals(probe)) { // buyers' reports, not a measured failure: never called an incident
            return "en".equals(language) ? "[Cardwatch] User reports surging: " + name : "【Cardwatch】用户报告激增：" + name;
        }
        if ("en".equals(language)) {
            return (flapped() ? "[Cardwatch] Failed and recovered: " : resolved() ? "[Cardwatch] Resolved: "
                    : reminder() ? "[Cardwatch] Still failing: " : "[Cardwatch] Incident: ") + name + " "
                    + probeLabel();
        }
        return (flapped() ? "【Cardwatch】故障已发生并已恢复：" : resolved() ? "【Cardwatch】已恢复："
                : reminder() ? "【Cardwatch】仍未恢复：" : "【Cardwatch】故障：") + name + " " + probeLabel();
    }

    /** An incident that opened and resolved while its messages waited: told as one ({@link #collapse}). */
    public boolean flapped() {
        return FLAPPED.equals(event);
    }

    static final String FLAPPED = "opened-resolved";

    /**
     * Queued notices as chat should read them, in order: an incident's {@code opened} (or {@code reopened}) followed
     * by its {@code resolved}, with nothing of that incident between, becomes one notice that says it happened and
     * is over, with both times. Everything else stays as it is.
     */
    public static java.util.List<Notice> collapse(java.util.List<Notice> notices) {
        java.util.List<Notice> out = new java.util.ArrayList<>(notices);
        for (int i = 0; i < out.size(); i++) {
            Notice start = out.get(i);
            if (!"opened".equals(start.event()) && !"reopened".equals(start.event())) {
                continue;
            }
            for (int j = i + 1; j < out.size(); j++) {
                Notice next = out.get(j);
                if (!next.thread().equals(start.thread())) {
                    continue;
                }
                if (next.resolved()) {
                    out.set(i, new Notice(start.key() + "+resolved", start.incidentId(), FLAPPED, start.platform(),
                            start.name(), start.probe(), start.cause(), start.since(), next.at(), start.link(),
                            start.language(), start.thread(), start.severity(), null, start.why()));
                    out.remove(j);
                }
                break;
            }
        }
        return out;
    }

    public String text() {
        if (digest != null) {
            return digest;
        }
        String since = TIME.format(this.since.atZone(SHANGHAI));
        if ("en".equals(language)) {
            return title() + "\nPlatform: " + name + " (" + platform + ")\nCause: " + causeLabel()
                    + (why.isEmpty() ? "" : "\nWhy: " + why) + "\nSince: " + since
                    + " (Beijing time)" + (over() ? "\nResolved: " + TIME.format(at.atZone(SHANGHAI)) : "")
                    + "\nDetails: " + link;
        }
        return title() + "\n平台：" + name + "（" + platform + "）\n原因：" + causeLabel()
                + (why.isEmpty() ? "" : "\n判断依据：" + why) + "\n开始时间：" + since + "（北京时间）"
                + (over() ? "\n恢复时间：" + TIME.format(at.atZone(SHANGHAI)) : "") + "\n详情：" + link;
    }

    private boolean over() {
        return resolved() || flapped();
    }

    /** The cause as the pages name it ("重复扣款"); the code itself stays in {@link #cause} for machines. */
    public String causeLabel() {
        return Labels.of(language, "reason." + cause, cause);
    }

    /** The probe as the pages name it ("测试购买"). */
    public String probeLabel() {
        return Labels.of(language, "probe." + probe, probe);
    }
}
