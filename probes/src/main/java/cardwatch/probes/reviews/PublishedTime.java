package cardwatch.probes.reviews;

import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a complaint was published, from the time its source writes beside it: epoch seconds or milliseconds (黑猫's
 * API), ISO times, the common Chinese date forms (2025-11-23, 2025/11/23 12:30, 2025年11月23日, 11月23日, 11-23 12:30)
 * and the relative ones (刚刚, 5分钟前, 3小时前, 三天前, 昨天 12:30, 前天, 今天 09:15), read in the sources' time zone
 * against the time the complaint was seen. A time that cannot be read, or lies after it was seen, is none.
 */
public final class PublishedTime {

    private static final Pattern EPOCH = Pattern.compile("^\\d{10}(\\d{3})?$");
    private static final Pattern FULL_DATE = Pattern.compile(
            "(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?(?:[T\\s]*(\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?");
    private static final Pattern MONTH_DAY = Pattern.compile(
            "(?<!\\d)(\\d{1,2})\\s*[-/月]\\s*(\\d{1,2})\\s*日?(?:\\s*(\\d{1,2}):(\\d{2}))?(?!\\d)");
    private static final Pattern AGO = Pattern.compile("(\\d+|半)\\s*(秒|分钟|分|小时|个小时|天|周|个月|月)前");
    private static final Pattern DAY_WORD = Pattern.compile("(今天|昨天|前天)\\s*(?:(\\d{1,2}):(\\d{2}))?");
    /** Clocks differ: a time up to this far after the complaint was seen is taken as the time it was seen. */
    private static final Duration SKEW = Duration.ofMinutes(10);

    private PublishedTime() {
    }

    /** The publication time {@code text} gives, read in {@code zone}, for a complaint seen at {@code seen}. */
    public static Optional<Instant> parse(String text, Instant seen, ZoneId zone) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String plain = ComplaintText.digits(Normalizer.normalize(text, Normalizer.Form.NFKC).strip());
        try {
            return Optional.ofNullable(read(plain, seen, zone)).filter(at -> !at.isAfter(seen.plus(SKEW)))
                    .map(at -> at.isAfter(seen) ? seen : at)
                    .filter(at -> at.isAfter(Instant.parse("2000-01-01T00:00:00Z")));
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Instant read(String text, Instant seen, ZoneId zone) {
        ZonedDateTime now = seen.atZone(zone);
        if (EPOCH.matcher(text).matches()) {
            long value = Long.parseLong(text);
            return text.length() == 13 ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // not ISO with an offset: the forms below
        }
        if (text.contains("刚刚")) {
            return seen;
        }
        Matcher ago = AGO.matcher(text);
        if (ago.find()) {
            String count = ago.group(1);
            long n = count.equals("半") ? 0 : Long.parseLong(count);
            return switch (ago.group(2)) {
                case "秒" -> seen.minusSeconds(n);
                case "分钟", "分" -> seen.minus(Duration.ofMinutes(count.equals("半") ? 30 : n));
                case "小时", "个小时" -> seen.minus(count.equals("半") ? Duration.ofMinutes(30) : Duration.ofHours(n));
                case "天" -> seen.minus(Duration.ofDays(n));
                case "周" -> seen.minus(Duration.ofDays(7 * n));
                default -> now.minusMonths(n).toInstant();
            };
        }
        Matcher full = FULL_DATE.matcher(text);
        if (full.find()) {
            return at(LocalDate.of(Integer.parseInt(full.group(1)), Integer.parseInt(full.group(2)),
                    Integer.parseInt(full.group(3))), full.group(4), full.group(5), full.group(6), zone);
        }
        Matcher day = DAY_WORD.matcher(text);
        if (day.find()) {
            int back = switch (day.group(1)) {
                case "昨天" -> 1;
                case "前天" -> 2;
                default -> 0;
            };
            return at(now.toLocalDate().minusDays(back), day.group(2), day.group(3), null, zone);
        }
        Matcher monthDay = MONTH_DAY.matcher(text);
        if (monthDay.find()) {
            LocalDate date = LocalDate.of(now.getYear(), Integer.parseInt(monthDay.group(1)),
                    Integer.parseInt(monthDay.group(2)));
            Instant at = at(date, monthDay.group(3), monthDay.group(4), null, zone);
            // no year given: the most recent such day, so 12月30日 read on 1 January is last year's
            return at.isAfter(seen.plus(SKEW)) ? at(date.minusYears(1), monthDay.group(3), monthDay.group(4), null,
                    zone) : at;
        }
        return null;
    }

    private static Instant at(LocalDate date, String hour, String minute, String second, ZoneId zone) {
        LocalTime time = hour == null ? LocalTime.MIDNIGHT : LocalTime.of(Integer.parseInt(hour),
                Integer.parseInt(minute), second == null ? 0 : Integer.parseInt(second));
        return LocalDateTime.of(date, time).atZone(zone).toInstant();
    }
}
