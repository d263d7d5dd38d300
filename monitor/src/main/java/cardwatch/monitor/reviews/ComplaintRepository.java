package cardwatch.monitor.reviews;

import cardwatch.probes.reviews.Complaint;
import cardwatch.probes.reviews.ComplaintClassifier;
import cardwatch.probes.reviews.ComplaintStore;
import cardwatch.probes.reviews.PublishedTime;
import cardwatch.monitor.system.CardwatchProperties;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code complaint} table and its history: one row per (platform, source, item), first and last seen; an edit
 * or a change of resolution is kept in {@code complaint_history}.
 */
@Repository
public class ComplaintRepository implements ComplaintStore {

    /** A stored complaint, as the API shows it: plain text only. */
    public record Stored(long id, String source, String itemKey, String title, String body, String author,
            String publishedAt, String url, List<String> categories, BigDecimal amount, String resolution,
            Instant firstSeen, Instant lastSeen) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ZoneId zone;

    /** {@code zone}: the time zone a source's times without one are read in (the schedule's, China by default). */
    public ComplaintRepository(JdbcClient jdbc, Clock clock, CardwatchProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.zone = ZoneId.of(properties.schedule().timeZone());
    }

    @Override
    public boolean storedUnchanged(String platform, Complaint complaint) {
        return jdbc.sql("select count(*) from complaint where platform_id = ? and source = ? and item_key = ? "
                        + "and content_hash = ?")
                .params(platform, complaint.source(), complaint.key(), complaint.contentHash())
                .query(Long.class).single() > 0;
    }

    @Override
    public boolean save(String platform, Complaint complaint, ComplaintClassifier.Verdict verdict) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        Optional<OffsetDateTime> published = PublishedTime.parse(complaint.publishedAt(), now.toInstant(), zone)
                .map(at -> at.atOffset(ZoneOffset.UTC));
        String resolution = complaint.resolutionFromSource() != null ? complaint.resolutionFromSource()
                : verdict.resolution();
        String categories = verdict.categories().stream().sorted().collect(Collectors.joining(","));
        Optional<Map<String, Object>> existing = jdbc.sql("select id, content_hash, body, resolution from complaint "
                        + "where platform_id = ? and source = ? and item_key = ?")
                .params(platform, complaint.source(), complaint.key()).query().listOfRows().stream().findFirst();
        if (existing.isEmpty()) {
            try {
                jdbc.sql("insert into complaint (platform_id, source, item_key, content_hash, title, body, author, "
                                + "published_at, url, categories, amount, resolution, first_seen, last_seen, "
                                + "happened_at) "
                                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .params(platform, complaint.source(), complaint.key(), complaint.contentHash(),
                                cut(complaint.title(), 500), cut(complaint.body(), 4000), cut(complaint.author(), 200),
                                cut(complaint.publishedAt(), 64), cut(complaint.url(), 1000), categories,
                                verdict.amount(), resolution, now, now, published.orElse(now))
                        .update();
                return true;
            } catch (DuplicateKeyException e) {
                return false;
            }
        }
        Map<String, Object> row = existing.get();
        long id = ((Number) row.get("id")).longValue();
        boolean edited = !complaint.contentHash().equals(row.get("content_hash"));
        boolean resolved = !resolution.equals(row.get("resolution"));
        if (edited) {
            history(id, now, "edited", String.valueOf(row.get("body")), complaint.body());
        }
        if (resolved) {
            history(id, now, "resolution", String.valueOf(row.get("resolution")), resolution);
        }
        jdbc.sql("update complaint set content_hash = ?, title = ?, body = ?, categories = ?, amount = ?, "
                        + "resolution = ?, last_seen = ?, happened_at = coalesce(?, happened_at) where id = ?")
                .params(complaint.contentHash(), cut(complaint.title(), 500), cut(complaint.body(), 4000), categories,
                        verdict.amount(), resolution, now, published.orElse(null), id)
                .update();
        return edited || resolved;
    }

    private void history(long id, OffsetDateTime at, String change, String old, String now) {
        jdbc.sql("insert into complaint_history (complaint_id, at, change, old_value, new_value) values (?, ?, ?, ?, ?)")
                .params(id, at, change, cut(old, 4000), cut(now, 4000)).update();
    }

    /** A platform's complaints, newest first, a page at a time. */
    public List<Stored> page(String platform, int page, int size) {
        return jdbc.sql("select id, source, item_key, title, body, author, published_at, url, categories, amount, "
                        + "resolution, first_seen, last_seen from complaint where platform_id = ? "
                        + "order by happened_at desc, id desc limit ? offset ?")
                .params(platform, size, (long) page * size)
                .query((rs, n) -> new Stored(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        Arrays.asList(rs.getString(9).split(",")), rs.getBigDecimal(10), rs.getString(11),
                        rs.getObject(12, OffsetDateTime.class).toInstant(),
                        rs.getObject(13, OffsetDateTime.class).toInstant())).list();
    }

    public long count(String platform) {
        return jdbc.sql("select count(*) from complaint where platform_id = ?").params(platform).query(Long.class)
                .single();
    }

    /** History entries of one complaint: change, old, new. */
    public List<String[]> history(long complaintId) {
        return jdbc.sql("select change, old_value, new_value from complaint_history where complaint_id = ? order by id")
                .params(complaintId).query((rs, n) -> new String[] {rs.getString(1), rs.getString(2),
                    rs.getString(3)}).list();
    }

    /**
     * Complaints published (or, with no publication time, first seen) since {@code since}, per category (a complaint
     * counts in each of its categories).
     */
    public Map<String, Long> recentByCategory(String platform, Instant since) {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("select categories from complaint where platform_id = ? and happened_at >= ?")
                .params(platform, since.atOffset(ZoneOffset.UTC)).query(String.class).list()
                .forEach(c -> Arrays.stream(c.split(",")).forEach(cat -> counts.merge(cat, 1L, Long::sum)));
        return counts;
    }

    /** Complaints published (or, with no publication time, first seen) since {@code since}, per platform. */
    public Map<String, Long> countsSince(Instant since) {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("select platform_id, count(*) from complaint where happened_at >= ? group by platform_id")
                .params(since.atOffset(ZoneOffset.UTC))
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    public long unresolved(String platform) {
        return jdbc.sql("select count(*) from complaint where platform_id = ? and resolution <> 'resolved'")
                .params(platform).query(Long.class).single();
    }

    private static String cut(String text, int max) {
        String value = text == null ? "" : text;
        return value.length() <= max ? value : value.substring(0, max);
    }
}
