package cardwatch.monitor.crowd;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A report as the form posted it, checked field by field. Each problem is a message key (with its argument) for
 * the field it concerns; a report with any problem is stored nowhere.
 *
 * @param symptom   a {@link Symptom} code
 * @param happened  when, as the form's {@code datetime-local} value ({@code 2026-12-01T20:15}), China time
 * @param amount    optional, yuan
 * @param order     optional, the platform's order number
 */
public record ReportForm(String symptom, String happened, String amount, String order) {

    /** How far back a report may go. */
    static final Duration LOOKBACK = Duration.ofDays(7);
    /** A clock a little ahead of ours is not "the future". */
    static final Duration SKEW = Duration.ofMinutes(10);
    static final BigDecimal MAX_AMOUNT = new BigDecimal("10000");
    private static final Pattern ORDER = Pattern.compile("[A-Za-z0-9_-]{4,64}");

    /** A problem: the message key and the value it names, if any. */
    public record Problem(String key, Object argument) {
    }

    /** The checked report: the values to store. */
    public record Checked(Symptom symptom, Instant happenedAt, BigDecimal amount, String order) {
    }

    /** The checked report, or the problems by field (symptom, happened, amount, order). */
    public record Result(Optional<Checked> report, Map<String, Problem> problems) {
    }

    public Result check(Instant now, ZoneId zone) {
        Map<String, Problem> problems = new LinkedHashMap<>();
        Optional<Symptom> chosen = Symptom.of(symptom == null ? "" : symptom.strip());
        if (chosen.isEmpty()) {
            problems.put("symptom", new Problem("report.error.symptom", null));
        }
        Instant at = null;
        if (happened == null || happened.isBlank()) {
            problems.put("happened", new Problem("report.error.happened.missing", null));
        } else {
            try {
                at = LocalDateTime.parse(happened.strip()).atZone(zone).toInstant();
                if (at.isAfter(now.plus(SKEW))) {
                    problems.put("happened", new Problem("report.error.happened.future", null));
                } else if (at.isBefore(now.minus(LOOKBACK))) {
                    problems.put("happened", new Problem("report.error.happened.old", LOOKBACK.toDays()));
                }
            } catch (DateTimeParseException e) {
                problems.put("happened", new Problem("report.error.happened.format", null));
            }
        }
        BigDecimal yuan = null;
        if (amount != null && !amount.isBlank()) {
            try {
                yuan = new BigDecimal(amount.strip());
                if (yuan.signum() <= 0 || yuan.compareTo(MAX_AMOUNT) > 0 || yuan.scale() > 2) {
                    problems.put("amount", new Problem("report.error.amount.range", MAX_AMOUNT));
                }
            } catch (NumberFormatException e) {
                problems.put("amount", new Problem("report.error.amount.format", null));
            }
        }
        String orderNo = order == null || order.isBlank() ? null : order.strip();
        if (orderNo != null && !ORDER.matcher(orderNo).matches()) {
            problems.put("order", new Problem("report.error.order", null));
        }
        return problems.isEmpty() ? new Result(Optional.of(new Checked(chosen.get(), at, yuan, orderNo)), Map.of())
                : new Result(Optional.empty(), problems);
    }
}
