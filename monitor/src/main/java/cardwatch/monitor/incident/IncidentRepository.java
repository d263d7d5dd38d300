package cardwatch.monitor.incident;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Incidents and their timelines. */
@Repository
public class IncidentRepository {

    /** The timeline reason of an incident ended because its platform was removed from the watch list. */
    public static final String REMOVED = "platform_removed";

    public record Event(Instant at, String kind, String reason) {
    }

    /**
     * @param whyZh why it opened, in Chinese ("4 次测试购买连续失败"); empty for incidents from before this was kept
     * @param whyEn the same in English
     */
    public record Incident(long id, String platform, String probe, String state, String cause, int failures,
            Instant openedAt, Instant updatedAt, Instant resolvedAt, List<Event> timeline, String whyZh,
            String whyEn, boolean resolveAnnounced, String reasons) {

        /** Why it opened in the reader's language. */
        public String why(boolean english) {
            return english ? whyEn : whyZh;
        }
    }

    /** A stored judged run, as incidents see it. */
    public record StoredRun(Instant endedAt, IncidentTracker.Observation observation) {
    }

    private final JdbcClient jdbc;

    public IncidentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public long open(String platform, String probe, String reason, Instant at, String whyZh, String whyEn) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("insert into incident (platform_id, probe, state, cause, failures, opened_at, updated_at, why_zh, "
                + "why_en, reasons) values (?, ?, 'open', ?, 1, ?, ?, ?, ?, ?)")
                .params(platform, probe, reason, utc(at), utc(at), clip(whyZh), clip(whyEn), reason + ":1")
                .update(keys, "id");
        long id = keys.getKey().longValue();
        event(id, at, "opened", reason);
        return id;
    }

    /** The failures seen so far, their reasons ("timeout:12,http_error:3") and the most frequent one, the cause. */
    public void failures(long id, int failures, String cause, String reasons, Instant at) {
        jdbc.sql("update incident set cause = ?, failures = ?, reasons = ?, updated_at = ? where id = ?")
                .params(cause, failures, reasons.length() <= 1000 ? reasons : reasons.substring(0, 1000), utc(at), id)
                .update();
    }

    /** It failed again before its resolve was announced: the same incident is open once more. */
    @Transactional
    public void reopen(long id, String reason, Instant at) {
        event(id, at, "reopened", reason);
        jdbc.sql("update incident set state = 'open', updated_at = ?, resolved_at = null, resolve_announced = ? "
                + "where id = ?").params(utc(at), true, id).update();
    }

    @Transactional
    public void resolve(long id, Instant at) {
        resolve(id, at, true);
    }

    /** Resolves; {@code announced} false while the resolve's notice is held (see {@link #announced}). */
    @Transactional
    public void resolve(long id, Instant at, boolean announced) {
        event(id, at, "resolved", "");
        jdbc.sql("update incident set state = 'resolved', updated_at = ?, resolved_at = ?, resolve_announced = ? "
                + "where id = ?").params(utc(at), utc(at), announced, id).update();
    }

    /**
     * Ends an open incident of a platform no longer watched (no run will ever resolve it), with the reason on its
     * timeline; false when it was not open any more (another instance ended it first).
     */
    @Transactional
    public boolean resolveRemoved(long id, Instant at) {
        int ended = jdbc.sql("update incident set state = 'resolved', updated_at = ?, resolved_at = ?, "
                + "resolve_announced = ? where id = ? and state = 'open'").params(utc(at), utc(at), true, id).update();
        if (ended > 0) {
            event(id, at, "resolved", REMOVED);
        }
        return ended > 0;
    }

    /**
     * Platforms with an open incident or a resolve whose notice is held that the admin API does not store (for every
     * instance: one lacking a secret another has does not run a platform the others watch).
     */
    public List<String> unsettledOutsideApi() {
        return jdbc.sql("select distinct platform_id from incident where (state = 'open' or resolve_announced = ?) "
                + "and platform_id not in (select platform_id from platform_entry)").param(false)
                .query(String.class).list();
    }

    /** Marks a held resolve announced; false when it already was (another instance announced it). */
    public boolean announceOnce(long id) {
        return jdbc.sql("update incident set resolve_announced = ? where id = ? and resolve_announced = ?")
                .params(true, id, false).update() > 0;
    }

    /** The held resolve of an incident has been announced. */
    public void announced(long id) {
        jdbc.sql("update incident set resolve_announced = ? where id = ?").params(true, id).update();
    }

    private void event(long id, Instant at, String kind, String reason) {
        jdbc.sql("insert into incident_event (incident_id, at, kind, reason) values (?, ?, ?, ?)")
                .params(id, utc(at), kind, reason).update();
    }

    /**
     * Platform and probe pairs whose incident counters are worth restoring at start: probed since {@code since}, or
     * with an incident that changed since then.
     */
    public java.util.Set<List<String>> activeSince(Instant since) {
        java.util.Set<List<String>> keys = new java.util.LinkedHashSet<>();
        jdbc.sql("select distinct platform_id, probe from probe_run where ended_at > ? "
                + "and probe in ('purchase', 'availability') union select distinct platform_id, probe from incident "
                + "where updated_at > ? or resolved_at > ?").params(utc(since), utc(since), utc(since))
                .query(rs -> {
                    keys.add(List.of(rs.getString(1), rs.getString(2)));
                });
        return keys;
    }

    /**
     * The last {@code limit} judged runs of a platform's probe, oldest first: runs that failed on our side and
     * maintenance runs are not evidence.
     */
    public List<StoredRun> judgedRuns(String platform, String probe, int limit) {
        List<StoredRun> newestFirst = new ArrayList<>(jdbc.sql("select ended_at, outcome, flags from probe_run "
                + "where platform_id = ? and probe = ? and status = 'done' and outcome in ('success', 'failure') "
                + "and reason <> 'maintenance' order by ended_at desc, id desc limit ?")
                .params(platform, probe, limit)
                .query((rs, i) -> new StoredRun(instant(rs, "ended_at"), IncidentService.observation(
                        "success".equals(rs.getString("outcome")), rs.getString("flags").contains("retried"))))
                .list());
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** The latest incident per platform and probe: the open ones, and the one a reopening would continue. */
    public Optional<Incident> latest(String platform, String probe) {
        return jdbc.sql(SELECT + " where platform_id = ? and probe = ? order by id desc limit 1")
                .params(platform, probe).query(IncidentRepository::incident).optional().map(this::withTimeline);
    }

    public List<Incident> find(String state, String platform, int limit) {
        StringBuilder sql = new StringBuilder(SELECT + " where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (state != null) {
            sql.append(" and state = ?");
            params.add(state);
        }
        if (platform != null) {
            sql.append(" and platform_id = ?");
            params.add(platform);
        }
        sql.append(" order by opened_at desc, id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(IncidentRepository::incident).list().stream()
                .map(this::withTimeline).toList();
    }

    public Map<String, Long> openCountByPlatform() {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("select platform_id, count(*) from incident where state = 'open' group by platform_id")
                .query((rs, i) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        return counts;
    }

    private static final String SELECT = "select id, platform_id, probe, state, cause, failures, opened_at, updated_at, "
            + "resolved_at, why_zh, why_en, resolve_announced, reasons from incident";

    private static Incident incident(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Incident(rs.getLong("id"), rs.getString("platform_id"), rs.getString("probe"), rs.getString("state"),
                rs.getString("cause"), rs.getInt("failures"), instant(rs, "opened_at"), instant(rs, "updated_at"),
                instant(rs, "resolved_at"), List.of(), rs.getString("why_zh"), rs.getString("why_en"),
                rs.getBoolean("resolve_announced"), rs.getString("reasons"));
    }

    private static String clip(String text) {
        return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 300);
    }

    private Incident withTimeline(Incident i) {
        List<Event> timeline = jdbc.sql("select at, kind, reason from incident_event where incident_id = ? "
                + "order by at, id").params(i.id())
                .query((rs, n) -> new Event(instant(rs, "at"), rs.getString("kind"), rs.getString("reason"))).list();
        return new Incident(i.id(), i.platform(), i.probe(), i.state(), i.cause(), i.failures(), i.openedAt(),
                i.updatedAt(), i.resolvedAt(), timeline, i.whyZh(), i.whyEn(), i.resolveAnnounced(), i.reasons());
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
