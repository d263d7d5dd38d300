package cardwatch.monitor.hooks;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The outbox table: one row per message and channel, until delivered. */
@Repository
public class HookOutbox {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A message due for delivery. */
    public record Pending(long id, String channel, Notice notice, int attempts) {
    }

    private final JdbcClient jdbc;

    public HookOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues a notice for a channel; a notice already queued (same key) is not queued twice. */
    public void enqueue(String channel, Notice notice, Instant now, Instant firstAttempt) {
        try {
            jdbc.sql("insert into hook_outbox (channel, message_key, payload, next_attempt_at, created_at) "
                    + "values (?, ?, ?, ?, ?)").params(channel, notice.key(), JSON.writeValueAsString(notice),
                            utc(firstAttempt), utc(now)).update();
        } catch (DuplicateKeyException e) {
            // at most once in the outbox; delivery is at least once
        }
    }

    public List<Pending> due(Instant now, int limit) {
        return jdbc.sql("select id, channel, payload, attempts from hook_outbox where delivered_at is null "
                + "and next_attempt_at <= ? order by next_attempt_at, id limit ?").params(utc(now), limit)
                .query((rs, i) -> new Pending(rs.getLong(1), rs.getString(2),
                        JSON.readValue(rs.getString(3), Notice.class), rs.getInt(4)))
                .list();
    }

    public void delivered(long id, Instant at) {
        jdbc.sql("update hook_outbox set delivered_at = ?, attempts = attempts + 1, last_error = '' where id = ?")
                .params(utc(at), id).update();
    }

    public void failed(long id, String error, Instant next) {
        jdbc.sql("update hook_outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?")
                .params(error.length() > 500 ? error.substring(0, 500) : error, utc(next), id).update();
    }

    /** Forgets messages delivered before {@code before}; undelivered ones are kept, however old. */
    public int purgeDelivered(Instant before) {
        return jdbc.sql("delete from hook_outbox where delivered_at is not null and delivered_at < ?")
                .params(utc(before)).update();
    }

    public long undelivered() {
        return jdbc.sql("select count(*) from hook_outbox where delivered_at is null").query(Long.class).single();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
