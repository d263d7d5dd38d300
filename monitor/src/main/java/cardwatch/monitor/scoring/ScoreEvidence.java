package cardwatch.monitor.scoring;

import cardwatch.probes.reviews.ComplaintClassifier;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads a platform's evidence for its score from the run, ICP and complaint tables, and keeps the daily score
 * history.
 */
@Repository
public class ScoreEvidence {

    /** Purchases older than this weigh less than 1/256 with the default half-life and are not read. */
    static final Duration PURCHASE_WINDOW = Duration.ofDays(60);
    static final Duration RECENT = Duration.ofDays(30);
    /** Storefront checks are counted over this many calendar days, today included. */
    static final int AVAILABILITY_DAYS = 7;
    /** Complaints are counted over the platform's time under watch, at most this long. */
    static final Duration COMPLAINT_WINDOW = Duration.ofDays(90);
    static final long REFUND_TARGET_MS = Duration.ofHours(24).toMillis();

    private final JdbcClient jdbc;
    private final Map<String, ComplaintClassifier.Category> categories;
    private final ZoneId zone;

    /** Days counted in the schedule's default time zone (Asia/Shanghai). */
    public ScoreEvidence(JdbcClient jdbc) {
        this(jdbc, ZoneId.of("Asia/Shanghai"));
    }

    @org.springframework.beans.factory.annotation.Autowired
    public ScoreEvidence(JdbcClient jdbc, cardwatch.monitor.system.CardwatchProperties properties) {
        this(jdbc, ZoneId.of(properties.schedule().timeZone()));
    }

    public ScoreEvidence(JdbcClient jdbc, ZoneId zone) {
        this.jdbc = jdbc;
        this.zone = zone;
        this.categories = ComplaintClassifier.standard().categories();
    }

    /**
     * A failure that cost the buyer money: charged twice; a failed paid order never refunded; paid and not delivered
     * (or the payment lost by the store) while the refund has not come.
     */
    public static boolean lostMoney(String reason, String flags) {
        String all = "," + (flags == null ? "" : flags) + ",";
        return "duplicate_charge".equals(reason) || all.contains(",not_refunded,")
                || ("callback_lost".equals(reason) || "not_delivered".equals(reason)) && !all.contains(",refunded,");
    }

    /** Money lost for good: charged twice, or a failed paid order never refunded. */
    static final String LOST_FOR_GOOD = "(reason = 'duplicate_charge' or flags like '%not_refunded%')";

    public ScoreCalculator.Evidence read(String platform, Instant now) {
        return read(platform, now, true);
    }

    /** The evidence; {@code notifies} false for a protocol that never notifies us (no callbacks component). */
    public ScoreCalculator.Evidence read(String platform, Instant now, boolean notifies) {
        Instant windowStart = now.minus(PURCHASE_WINDOW);
        // raw runs that ended before pruned_before may be gone (cardwatch.retention): their hours stand in for them
        Instant prunedBefore = jdbc.sql("select pruned_before from retention_state where id = 1")
                .query((rs, i) -> rs.getObject(1, OffsetDateTime.class)).optional().map(OffsetDateTime::toInstant)
                .orElse(null);
        List<ScoreCalculator.Purchase> purchases = new java.util.ArrayList<>();
        if (prunedBefore != null && prunedBefore.isAfter(windowStart)) {
            jdbc.sql("select hour_start, successes, failures, money_lost from run_hourly where platform_id = ? "
                            + "and probe = 'purchase' and hour_start >= ? and hour_start < ? order by hour_start")
                    .params(platform, utc(windowStart), utc(prunedBefore))
                    .query(rs -> {
                        // an hour's purchases, at its middle: at these ages the weights differ by under 0.2 %
                        Instant at = instant(rs.getObject(1, OffsetDateTime.class)).plus(Duration.ofMinutes(30));
                        for (int k = 0; k < rs.getInt(2); k++) {
                            purchases.add(new ScoreCalculator.Purchase(at, true, false));
                        }
                        int lost = rs.getInt(4);
                        for (int k = 0; k < rs.getInt(3); k++) {
                            purchases.add(new ScoreCalculator.Purchase(at, false, k < lost));
                        }
                    });
        }
        Instant rawFrom = prunedBefore != null && prunedBefore.isAfter(windowStart) ? prunedBefore : windowStart;
        purchases.addAll(jdbc.sql("select ended_at, outcome, reason, flags from probe_run "
                + "where platform_id = ? and probe = 'purchase' and status = 'done' and ended_at >= ? "
                + "and outcome in ('success', 'failure') and reason <> 'maintenance' order by ended_at")
                .params(platform, utc(rawFrom))
                .query((rs, i) -> new ScoreCalculator.Purchase(instant(rs.getObject(1, OffsetDateTime.class)),
                        "success".equals(rs.getString(2)), lostMoney(rs.getString(3), rs.getString(4))))
                .list());
        long[] callbacks = notifies ? jdbc.sql("select count(*), coalesce(sum(case when flags like '%notify_missing%' "
                + "then 1 else 0 end), 0) from probe_run where platform_id = ? and probe = 'purchase' and status = 'done' "
                + "and ended_at >= ? and outcome in ('success', 'failure') and reason <> 'maintenance'")
                .params(platform, utc(now.minus(RECENT)))
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single() : new long[2];
        boolean lostForGood = jdbc.sql("select count(*) from probe_run where platform_id = ? and probe = 'purchase' "
                + "and ended_at >= ? and " + LOST_FOR_GOOD).params(platform, utc(now.minus(RECENT)))
                .query(Long.class).single() > 0;
        List<Long> delivery = jdbc.sql("select delivery_ms from probe_run where platform_id = ? and probe = 'purchase' "
                + "and outcome = 'success' and delivery_ms is not null and ended_at >= ?")
                .params(platform, utc(now.minus(RECENT))).query(Long.class).list();
        long settled = jdbc.sql("select count(*) from probe_run where platform_id = ? and ended_at >= ? "
                + "and refund_outcome in ('refunded', 'not_refunded')")
                .params(platform, utc(now.minus(RECENT))).query(Long.class).single();
        long inTime = jdbc.sql("select count(*) from probe_run where platform_id = ? and ended_at >= ? "
                + "and refund_outcome = 'refunded' and refund_ms <= ?")
                .params(platform, utc(now.minus(RECENT)), REFUND_TARGET_MS).query(Long.class).single();
        List<Long> refundMillis = jdbc.sql("select refund_ms from probe_run where platform_id = ? and ended_at >= ? "
                + "and refund_outcome = 'refunded' and refund_ms is not null")
                .params(platform, utc(now.minus(RECENT))).query(Long.class).list();
        List<String[]> icp = jdbc.sql("select status, facts from icp_status where platform_id = ?").params(platform)
                .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        String icpStatus = icp.isEmpty() ? null : icp.get(0)[0];
        boolean personal = !icp.isEmpty() && icp.get(0)[1].contains("\"personal_filing\":\"true\"");
        Instant complaintsFrom = now.minus(COMPLAINT_WINDOW);
        double complaintWeight = jdbc.sql("select categories, resolution from complaint "
                + "where platform_id = ? and happened_at >= ?").params(platform, utc(complaintsFrom))
                .query((rs, i) -> complaintWeight(rs.getString(1), rs.getString(2))).list().stream()
                .mapToDouble(Double::doubleValue).sum();
        double complaintDays = watchedSince(platform).map(since -> since.isBefore(complaintsFrom) ? complaintsFrom : since)
                .map(since -> Math.max(0, Duration.between(since, now).toMillis()) / 86_400_000.0).orElse(0.0);
        // storefront checks come every 30 s: counted from the daily roll-up (today and the six days before, as the
        // public page counts them, at most one page refresh behind), not from a week of rows per platform
        LocalDate today = LocalDate.ofInstant(now, zone);
        long[] availability = jdbc.sql("select coalesce(sum(successes + failures), 0), coalesce(sum(successes), 0) "
                + "from run_daily where platform_id = ? and probe = 'availability' and run_day >= ? and run_day <= ?")
                .params(platform, today.minusDays(AVAILABILITY_DAYS - 1), today)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        return new ScoreCalculator.Evidence(purchases, delivery, settled, inTime, refundMillis, icpStatus, personal,
                complaintWeight, complaintDays, availability[0], availability[1], callbacks[0], callbacks[1],
                lostForGood);
    }

    /**
     * Since when Cardwatch has evidence of a platform: its first run or its first complaint's publication (a source
     * shows what was published before the first crawl), whichever came first.
     */
    private java.util.Optional<Instant> watchedSince(String platform) {
        OffsetDateTime run = jdbc.sql("select min(actual_start) from probe_run where platform_id = ?").params(platform)
                .query(OffsetDateTime.class).optional().orElse(null);
        // runs retention has deleted are still in their hours
        OffsetDateTime hour = jdbc.sql("select min(hour_start) from run_hourly where platform_id = ?").params(platform)
                .query(OffsetDateTime.class).optional().orElse(null);
        OffsetDateTime complaint = jdbc.sql("select min(happened_at) from complaint where platform_id = ?")
                .params(platform).query(OffsetDateTime.class).optional().orElse(null);
        return java.util.stream.Stream.of(run, hour, complaint).filter(java.util.Objects::nonNull)
                .map(OffsetDateTime::toInstant).min(Instant::compareTo);
    }

    /** A complaint weighs its most severe category (1 when none matched); a resolved one weighs half. */
    double complaintWeight(String categoryList, String resolution) {
        int severity = 1;
        for (String name : categoryList.split(",")) {
            ComplaintClassifier.Category category = categories.get(name.strip());
            if (category != null) {
                severity = Math.max(severity, category.severity());
            }
        }
        return "resolved".equals(resolution) ? severity / 2.0 : severity;
    }

    public void saveDaily(String platform, LocalDate day, ScoreCalculator.Score score, Instant at) {
        int updated = jdbc.sql("update score_history set score = ?, grade = ?, computed_at = ? "
                + "where platform_id = ? and score_day = ?")
                .params(score.score(), score.grade(), utc(at), platform, day).update();
        if (updated == 0) {
            jdbc.sql("insert into score_history (platform_id, score_day, score, grade, computed_at) values (?, ?, ?, ?, ?)")
                    .params(platform, day, score.score(), score.grade(), utc(at)).update();
        }
    }

    /** One day of history, oldest first. */
    public record Day(LocalDate day, Double score, String grade) {
    }

    public List<Day> history(String platform, int days) {
        List<Day> newestFirst = new ArrayList<>(jdbc.sql("select score_day, score, grade from score_history "
                + "where platform_id = ? order by score_day desc limit ?").params(platform, days)
                .query((rs, i) -> new Day(rs.getObject(1, LocalDate.class),
                        rs.getObject(2) == null ? null : rs.getDouble(2), rs.getString(3)))
                .list());
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime at) {
        return at.toInstant();
    }
}
