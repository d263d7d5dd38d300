package cardwatch.monitor.site;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the public pages show about all platforms, computed in the background by {@link SiteAggregator}:
 * a request reads this, never raw runs. Immutable; replaced whole on each refresh.
 *
 * @param version      changes when anything shown changes (the ETag)
 * @param changedAt    when the content last changed (Last-Modified)
 * @param rows         one row per platform, best first
 * @param details      per platform, what its own page shows beyond its row
 * @param positions    per platform id, its index in {@code rows}: pages look a platform up without a scan
 */
public record SiteSnapshot(long version, Instant changedAt, List<Row> rows, Map<String, Detail> details,
        Map<String, Integer> positions) {

    static SiteSnapshot of(long version, Instant changedAt, List<Row> rows, Map<String, Detail> details) {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            positions.put(rows.get(i).id(), i);
        }
        return new SiteSnapshot(version, changedAt, List.copyOf(rows), Map.copyOf(details), Map.copyOf(positions));
    }

    static SiteSnapshot empty(Instant at) {
        return of(0, at, List.of(), Map.of());
    }

    /** A platform's row, if it is configured. */
    public java.util.Optional<Row> row(String id) {
        Integer position = positions.get(id);
        return position == null ? java.util.Optional.empty() : java.util.Optional.of(rows.get(position));
    }

    /** A platform's place in the ranking, 1 for the best, shared when not significantly different; 0 without one. */
    public int rank(String id) {
        return row(id).map(Row::rank).orElse(0);
    }

    /** Successes out of judged runs (errors on our side and maintenance are not judged). */
    public record Ratio(int successes, int runs) {

        public static final Ratio NONE = new Ratio(0, 0);

        /** 0–1, or null without runs. */
        public Double value() {
            return runs == 0 ? null : (double) successes / runs;
        }

        Ratio plus(int moreSuccesses, int moreRuns) {
            return new Ratio(successes + moreSuccesses, runs + moreRuns);
        }
    }

    /** An incident that is open now. */
    public record OpenIncident(long id, String probe, String cause, Instant since) {
    }

    /**
     * How often, in 30 days of judged purchases, a platform's callbacks were missing or contradicted the query.
     *
     * @param purchases  judged purchases in 30 days
     */
    public record Callbacks(int missing, int conflicting, int purchases) {

        public static final Callbacks NONE = new Callbacks(0, 0, 0);

        /** Missing in at least one purchase in five, over at least three: shown in the ranking. */
        public boolean frequent() {
            return missing >= 3 && missing * 5 >= purchases;
        }

        public boolean any() {
            return missing > 0 || conflicting > 0;
        }
    }

    /**
     * A platform's line in the ranking.
     *
     * @param score            0–100, or null with grade "?"
     * @param deliveryMedianSeconds the median delivery time over 30 days, or null
     * @param refundRate       the share of failed paid orders refunded within 24 h over 30 days, or null
     * @param icpStatus        the latest ICP status, or null before the first check
     * @param complaints30d    complaints first seen in 30 days
     * @param incident         an open incident, or null
     * @param scoreHigh        the most the score could be, given the purchases' uncertainty; null without a score
     * @param gradeCap         why the grade is lower than the score alone gives (reliability, lost_money), or null
     * @param lostMoney        a purchase lost a buyer's money for good in 30 days: ranked after every platform that
     *                         did not
     * @param unverified       never reached since it was added: no grade, no rank, no incidents
     * @param callbacks        missing and contradicting callbacks in 30 days
     * @param rank             its place, shared with every platform whose range its own overlaps (directly or through
     *                         others); 0 for a platform without a grade
     * @param tied             it shares its rank: the difference to its neighbours is not significant
     * @param domains          the domains buyers know it by ({@link cardwatch.monitor.platform.Platform#domains()})
     */
    public record Row(String id, String nameZh, String nameEn, Double score, String grade, Ratio success24h,
            Ratio success7d, Ratio success30d, Double deliveryMedianSeconds, Double refundRate, String icpStatus,
            long complaints30d, OpenIncident incident, Double scoreHigh, String gradeCap, boolean lostMoney,
            boolean unverified, Callbacks callbacks, int rank, boolean tied, String mode, String untestable,
            List<String> domains) {

        /** A line without domains (tests). */
        public Row(String id, String nameZh, String nameEn, Double score, String grade, Ratio success24h,
                Ratio success7d, Ratio success30d, Double deliveryMedianSeconds, Double refundRate, String icpStatus,
                long complaints30d, OpenIncident incident, Double scoreHigh, String gradeCap, boolean lostMoney,
                boolean unverified, Callbacks callbacks, int rank, boolean tied, String mode, String untestable) {
            this(id, nameZh, nameEn, score, grade, success24h, success7d, success30d, deliveryMedianSeconds,
                    refundRate, icpStatus, complaints30d, incident, scoreHigh, gradeCap, lostMoney, unverified,
                    callbacks, rank, tied, mode, untestable, List.of());
        }

        /** A line without a purchase mode or an untestable reason (tests, and platforms that buy nothing). */
        public Row(String id, String nameZh, String nameEn, Double score, String grade, Ratio success24h,
                Ratio success7d, Ratio success30d, Double deliveryMedianSeconds, Double refundRate, String icpStatus,
                long complaints30d, OpenIncident incident, Double scoreHigh, String gradeCap, boolean lostMoney,
                boolean unverified, Callbacks callbacks, int rank, boolean tied) {
            this(id, nameZh, nameEn, score, grade, success24h, success7d, success30d, deliveryMedianSeconds,
                    refundRate, icpStatus, complaints30d, incident, scoreHigh, gradeCap, lostMoney, unverified,
                    callbacks, rank, tied, null, null);
        }

        /** Whether purchases only check the checkout (no money, no delivery seen). */
        public boolean checkoutOnly() {
            return "checkout".equals(mode);
        }

        public String name(boolean english) {
            return english && nameEn != null && !nameEn.isBlank() ? nameEn : nameZh;
        }

        /** The same line at its place in the ranking. */
        Row ranked(int place, boolean shared) {
            return new Row(id, nameZh, nameEn, score, grade, success24h, success7d, success30d, deliveryMedianSeconds,
                    refundRate, icpStatus, complaints30d, incident, scoreHigh, gradeCap, lostMoney, unverified,
                    callbacks, place, shared, mode, untestable, domains);
        }
    }

    /**
     * One day's bar: successes, failures, maintenance runs, and the day's worst state: {@code none} (no runs),
     * {@code ok}, {@code degraded} (some failures), {@code outage} (under half succeeded), or {@code maintenance}
     * (only maintenance runs).
     */
    public record DayBar(LocalDate day, int successes, int failures, int maintenance, String state) {

        /** The bar of a day with these runs; a day without runs is {@code none}. */
        static DayBar of(LocalDate day, RunDaily.Day runs) {
            if (runs == null) {
                return new DayBar(day, 0, 0, 0, "none");
            }
            int judged = runs.judged();
            String state = judged == 0 ? (runs.maintenance() > 0 ? "maintenance" : "none")
                    : runs.failures() == 0 ? "ok"
                    : runs.successes() * 2 < judged ? "outage" : "degraded";
            return new DayBar(day, runs.successes(), runs.failures(), runs.maintenance(), state);
        }

        public Double ratio() {
            return successes + failures == 0 ? null : (double) successes / (successes + failures);
        }
    }

    /** A day's delivery median and p95 in seconds, for the chart; null where there were no deliveries. */
    public record DeliveryDay(LocalDate day, Double p50Seconds, Double p95Seconds) {
    }

    /**
     * What a platform's own page shows beyond its row: 90 days of bars, delivery per day, reasons in 30 days. It keeps
     * the platform's rolled-up days (shared with the roll-up) and draws the bars when a page asks: a fleet's worth
     * of drawn bars, 270 small objects per platform, held between refreshes, was the largest part of the heap.
     *
     * @param days       the platform's days, oldest first; days outside {@code first..today} are ignored
     * @param first      the first day drawn
     * @param today      the last day drawn
     * @param reasons30d failure reasons in the last 30 days, most frequent first
     */
    public record Detail(List<RunDaily.Day> days, LocalDate first, LocalDate today, Map<String, Integer> reasons30d) {

        public List<DayBar> purchaseBars() {
            return bars("purchase");
        }

        public List<DayBar> availabilityBars() {
            return bars("availability");
        }

        /** A day's delivery median and p95 from the purchases, one entry per day drawn. */
        public List<DeliveryDay> delivery() {
            Map<LocalDate, RunDaily.Day> purchases = byDay("purchase");
            List<DeliveryDay> delivery = new ArrayList<>();
            for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
                RunDaily.Day p = purchases.get(day);
                delivery.add(new DeliveryDay(day, seconds(p == null ? null : p.deliveryP50Ms()),
                        seconds(p == null ? null : p.deliveryP95Ms())));
            }
            return delivery;
        }

        private List<DayBar> bars(String probe) {
            Map<LocalDate, RunDaily.Day> runs = byDay(probe);
            List<DayBar> bars = new ArrayList<>();
            for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
                bars.add(DayBar.of(day, runs.get(day)));
            }
            return bars;
        }

        private Map<LocalDate, RunDaily.Day> byDay(String probe) {
            Map<LocalDate, RunDaily.Day> byDay = new HashMap<>();
            for (RunDaily.Day day : days) {
                if (day.probe().equals(probe)) {
                    byDay.put(day.day(), day);
                }
            }
            return byDay;
        }

        private static Double seconds(Long millis) {
            return millis == null ? null : millis / 1000.0;
        }
    }
}
