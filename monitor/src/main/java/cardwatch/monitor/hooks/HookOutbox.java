package cardwatch.monitor.hooks;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The outbox table: one row per message and channel, until delivered. */
@Repository
public class HookOutbox {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A message still queued for its channel: {@code notBefore} is the grouping window or a refusal's backoff. */
    public record Queued(long id, Notice notice, int attempts, Instant notBefore) {
    }

    /** A channel's backoff: consecutive failed tries and when it may be tried next (null: now). */
    public record ChannelState(int failures, Instant nextAttemptAt) {
    }

    /** A dead letter as the admin API lists it: never the receiver's URL, which holds its token. */
    public record Dead(long id, String channel, String key, String title, int attempts, String lastError,
            Instant createdAt, Instant refusedSince, Instant deadAt) {
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

    /** A channel's queue, oldest first: the order its incidents' events happened in. */
    public List<Queued> queued(String channel, int limit) {
        return jdbc.sql("select id, payload, attempts, next_attempt_at from hook_outbox where channel = ? "
                + "and delivered_at is null and dead_at is null order by id limit ?")
                .params(channel, limit)
                .query((rs, i) -> new Queued(rs.getLong(1), JSON.readValue(rs.getString(2), Notice.class),
                        rs.getInt(3), rs.getObject(4, OffsetDateTime.class).toInstant()))
                .list();
    }

    /** The channel's backoff; a channel never tried has none. */
    public ChannelState channel(String channel) {
        return jdbc.sql("select failures, next_attempt_at from hook_channel where channel = ?").param(channel)
                .query((rs, i) -> new ChannelState(rs.getInt(1), rs.getObject(2, OffsetDateTime.class) == null
                        ? null : rs.getObject(2, OffsetDateTime.class).toInstant()))
                .optional().orElse(new ChannelState(0, null));
    }

    /**
     * Takes the channel's delivery lease until {@code until}, unless another instance holds one that has not run
     * out; returns whether this {@code owner} holds it now.
     */
    public boolean lease(String channel, String owner, Instant now, Instant until) {
        // the row is made once: an insert tried every second would be a logged error on PostgreSQL every second
        if (jdbc.sql("select count(*) from hook_channel where channel = ?").param(channel).query(Long.class)
                .single() == 0) {
            try {
                jdbc.sql("insert into hook_channel (channel) values (?)").param(channel).update();
            } catch (DuplicateKeyException e) {
                // another instance made it first
            }
        }
        return jdbc.sql("update hook_channel set lease_owner = ?, lease_until = ? where channel = ? and "
                + "(lease_owner is null or lease_owner = ? or lease_until < ?)")
                .params(owner, utc(until), channel, owner, utc(now)).update() == 1;
    }

    /** Extends the lease {@code owner} holds on the channel; false when it holds none (another instance took it). */
    public boolean renew(String channel, String owner, Instant until) {
        return jdbc.sql("update hook_channel set lease_until = ? where channel = ? and lease_owner = ?")
                .params(utc(until), channel, owner).update() == 1;
    }

    public void release(String channel, String owner) {
        jdbc.sql("update hook_channel set lease_owner = null, lease_until = null where channel = ? and lease_owner = ?")
                .params(channel, owner).update();
    }

    /** The receiver answered (took a message or refused one): its backoff ends. */
    public void channelAnswered(String channel) {
        jdbc.sql("update hook_channel set failures = 0, next_attempt_at = null, last_error = '' "
                + "where channel = ? and (failures > 0 or next_attempt_at is not null)").param(channel).update();
    }

    /** The receiver did not answer: the channel is tried again at {@code next}; returns its failures in a row. */
    public int channelFailed(String channel, String error, Instant next) {
        jdbc.sql("update hook_channel set failures = failures + 1, next_attempt_at = ?, last_error = ? "
                + "where channel = ?").params(utc(next), cut(error), channel).update();
        return channel(channel).failures();
    }

    public void delivered(long id, Instant at) {
        jdbc.sql("update hook_outbox set delivered_at = ?, attempts = attempts + 1, last_error = '', "
                + "refused_since = null where id = ?").params(utc(at), id).update();
    }

    /**
     * A failed try that was no refusal: the message stays first in its channel's queue, tried again when the channel
     * is (its own time is left alone); any refusal streak ends.
     */
    public void failed(long id, String error) {
        jdbc.sql("update hook_outbox set attempts = attempts + 1, last_error = ?, refused_since = null where id = ?")
                .params(cut(error), id).update();
    }

    /**
     * A try the receiver refused at {@code now}: tried again at {@code next}, unless it has refused since longer than
     * {@code deadAfter} ago; then it is a dead letter. Returns whether it became one.
     */
    public boolean refused(long id, String error, Instant now, Instant next, java.time.Duration deadAfter) {
        now = now.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as the database keeps it: compared below
        jdbc.sql("update hook_outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
                + "refused_since = coalesce(refused_since, ?) where id = ?")
                .params(cut(error), utc(next), utc(now), id).update();
        return jdbc.sql("update hook_outbox set dead_at = ? where id = ? and dead_at is null and refused_since <= ?")
                .params(utc(now), id, utc(now.minus(deadAfter))).update() == 1;
    }

    /** The dead letters, newest first. */
    public List<Dead> dead(int limit) {
        return jdbc.sql("select id, channel, message_key, payload, attempts, last_error, created_at, refused_since, "
                        + "dead_at from hook_outbox where dead_at is not null order by dead_at desc, id desc limit ?")
                .param(limit)
                .query((rs, i) -> new Dead(rs.getLong(1), rs.getString(2), rs.getString(3),
                        JSON.readValue(rs.getString(4), Notice.class).title(), rs.getInt(5), rs.getString(6),
                        rs.getObject(7, OffsetDateTime.class).toInstant(),
                        rs.getObject(8, OffsetDateTime.class).toInstant(),
                        rs.getObject(9, OffsetDateTime.class).toInstant()))
                .list();
    }

    /** Sends a dead letter again from {@code now}, as a new message would be; false when there is no such one. */
    public boolean revive(long id, Instant now) {
        return jdbc.sql("update hook_outbox set dead_at = null, refused_since = null, next_attempt_at = ? "
                + "where id = ? and dead_at is not null").params(utc(now), id).update() == 1;
    }

    /** Drops a dead letter for good; false when there is no such one. */
    public boolean drop(long id) {
        return jdbc.sql("delete from hook_outbox where id = ? and dead_at is not null").param(id).update() == 1;
    }

    public long deadLetters() {
        return jdbc.sql("select count(*) from hook_outbox where dead_at is not null").query(Long.class).single();
    }

    private static String cut(String error) {
        return error.length() > 500 ? error.substring(0, 500) : error;
    }

    /** Forgets messages delivered before {@code before}; undelivered ones are kept, however old. */
    public int purgeDelivered(Instant before) {
        return jdbc.sql("delete from hook_outbox where delivered_at is not null and delivered_at < ?")
                .params(utc(before)).update();
    }

    /** A channel's waiting messages: how many, and when the oldest of them was queued. */
    public record Backlog(long queued, Instant oldest) {

        /** A channel nothing waits for. */
        public static final Backlog NONE = new Backlog(0, null);
    }

    /** Per channel with messages waiting (not delivered yet, still tried); channels with none are absent. */
    public Map<String, Backlog> backlog() {
        return jdbc.sql("select channel, count(*), min(created_at) from hook_outbox where delivered_at is null "
                + "and dead_at is null group by channel").query((rs, i) -> Map.entry(rs.getString(1),
                        new Backlog(rs.getLong(2), rs.getObject(3, OffsetDateTime.class).toInstant()))).list()
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Messages not delivered yet and still tried (dead letters are counted apart). */
    public long undelivered() {
        return jdbc.sql("select count(*) from hook_outbox where delivered_at is null and dead_at is null")
                .query(Long.class).single();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
