package cardwatch.monitor.purchase;

import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.OrderStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signed notifies that reached an instance where no run waits for them ({@code notify_inbox}). A platform notifies
 * whichever instance its callback URL leads to; the run may be another's, or be taken over after its owner died.
 * Every instance reads the rows added since its last look every second and hands those of its runs to them, which
 * wakes them as a notify received here would; a run taken over reads its order's rows at once. A row is deleted when
 * its run has it, and after {@link #KEPT} when no run claimed it (a late notify for a run long ended).
 */
@Component
public class NotifyStore {

    static final Duration KEPT = Duration.ofHours(1);
    /** How long an id passed by is looked for again: a commit that late is an insert that failed. */
    static final Duration GAP_KEPT = Duration.ofMinutes(5);
    /** Ids passed by that are looked for at most (a burst of rows other instances took is forgotten beyond). */
    static final int MAX_GAPS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(NotifyStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Row(long id, String clientOrderId, String status) {
    }

    private final JdbcClient jdbc;
    private final WakingInbox inbox;
    private final Clock clock;
    private long seen;
    /** Ids below {@link #seen} not there when it was read, and when that was. */
    private final Map<Long, Instant> gaps = new LinkedHashMap<>();

    public NotifyStore(JdbcClient jdbc, NotifyInbox inbox, Clock clock) {
        this.jdbc = jdbc;
        this.inbox = inbox instanceof WakingInbox waking ? waking : null;
        this.clock = clock;
        this.seen = jdbc.sql("select coalesce(max(id), 0) from notify_inbox").query(Long.class).single();
        if (this.inbox != null) {
            this.inbox.storedIn(this::take);
        }
    }

    /** Keeps a verified notify no run of this instance waits for, for the instance that has (or takes) the run. */
    public void record(String platform, Notify notify) {
        jdbc.sql("insert into notify_inbox (client_order_id, platform_id, received_at, status) values (?, ?, ?, ?)")
                .params(notify.clientOrderId(), platform, clock.instant().atOffset(ZoneOffset.UTC),
                        JSON.writeValueAsString(notify.status()))
                .update();
    }

    /**
     * Hands the notifies stored since the last look to this instance's runs that wait for them. Ids are handed out
     * when a row is inserted, not when it commits: two instances storing at once may commit id 11 before id 10, and a
     * look between the two commits would pass 10 by. Every id below the newest seen that was not there is looked for
     * again ({@link #gaps}) until {@link #GAP_KEPT} has passed; most are rows another instance's run took first.
     */
    @Scheduled(fixedDelay = 1000, initialDelay = 1000)
    public synchronized void poll() {
        if (inbox == null) {
            return;
        }
        Instant now = clock.instant();
        List<Row> rows = new ArrayList<>(jdbc.sql("select id, client_order_id, status from notify_inbox where id > ? "
                + "order by id").param(seen).query(NotifyStore::row).list());
        List<Long> missing = new ArrayList<>(gaps.keySet());
        for (int from = 0; from < missing.size(); from += 500) {
            rows.addAll(jdbc.sql("select id, client_order_id, status from notify_inbox where id in (:ids)")
                    .param("ids", missing.subList(from, Math.min(missing.size(), from + 500)))
                    .query(NotifyStore::row).list());
        }
        rows.sort(java.util.Comparator.comparingLong(Row::id));
        Set<Long> present = new HashSet<>();
        long newest = seen;
        for (Row row : rows) {
            present.add(row.id());
            gaps.remove(row.id());
            newest = Math.max(newest, row.id());
        }
        for (long id = seen + 1; id < newest && gaps.size() < MAX_GAPS; id++) {
            if (!present.contains(id)) {
                gaps.put(id, now);
            }
        }
        seen = newest;
        gaps.values().removeIf(since -> since.isBefore(now.minus(GAP_KEPT)));
        for (Row row : rows) {
            // the row is claimed before its run has it: of two instances (or a take-over's own read) one hands it on
            if (inbox.isOpen(row.clientOrderId())
                    && jdbc.sql("delete from notify_inbox where id = ?").param(row.id()).update() > 0
                    && inbox.deliver(notify(row))) {
                log.debug("a notify for order {} received by another instance reached its run here",
                        row.clientOrderId());
            }
        }
    }

    /** Ids looked for again: not there when a newer one was read. At most {@link #MAX_GAPS}. */
    int gapsKept() {
        return gaps.size();
    }

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3));
    }

    /** The notifies stored for an order, taken: deleted, so that one run has them. */
    List<Notify> take(String clientOrderId) {
        List<Notify> taken = new ArrayList<>();
        for (Row row : jdbc.sql("select id, client_order_id, status from notify_inbox where client_order_id = ? "
                + "order by id").param(clientOrderId)
                .query(NotifyStore::row).list()) {
            if (jdbc.sql("delete from notify_inbox where id = ?").param(row.id()).update() > 0) {
                taken.add(notify(row));
            }
        }
        return taken;
    }

    /** Deletes rows no run claimed within {@link #KEPT}. */
    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    public void prune() {
        int gone = jdbc.sql("delete from notify_inbox where received_at < ?")
                .param(clock.instant().minus(KEPT).atOffset(ZoneOffset.UTC)).update();
        if (gone > 0) {
            log.info("{} stored notifies were claimed by no run within {} and are deleted", gone, KEPT);
        }
    }

    /** A stored notify was verified when it arrived: it is one again. */
    private static Notify notify(Row row) {
        return new Notify(row.clientOrderId(), true, JSON.readValue(row.status(), OrderStatus.class));
    }
}
