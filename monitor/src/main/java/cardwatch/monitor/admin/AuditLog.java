package cardwatch.monitor.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only record of every change made through the admin API. */
@Repository
public class AuditLog {

    /**
     * One change.
     *
     * @param before the state before, as JSON, or null when there was none
     * @param after  the state after, as JSON, or null when there is none
     */
    public record Entry(long id, Instant at, String actor, String action, String platform, String before,
            String after) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Appends a change; call it in the transaction that makes the change. */
    public void record(String actor, String action, String platform, String before, String after) {
        jdbc.sql("insert into admin_audit (at, actor, action, platform_id, before_state, after_state) "
                        + "values (?, ?, ?, ?, ?, ?)")
                .params(clock.instant().atOffset(ZoneOffset.UTC), actor, action, platform, before, after).update();
    }

    /** The newest changes first, all or one platform's. */
    public List<Entry> recent(String platform, int limit) {
        return jdbc.sql("select id, at, actor, action, platform_id, before_state, after_state from admin_audit "
                        + (platform == null ? "" : "where platform_id = :platform ") + "order by id desc limit :limit")
                .paramSource(platform == null ? java.util.Map.of("limit", limit)
                        : java.util.Map.of("platform", platform, "limit", limit))
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .list();
    }
}
