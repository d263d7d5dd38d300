package cardwatch.monitor.purchase;

import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.OrderStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
    private static final Logger log = LoggerFactory.getLogger(NotifyStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Row(long id, String clientOrderId, String status) {
    }

    private final JdbcClient jdbc;
    private final WakingInbox inbox;
    private final Clock clock;
    private long seen;

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

    /** Hands the notifies stored since the last look to this instance's runs that wait for them. */
    @Scheduled(fixedDelay = 1000, initialDelay = 1000)
    public synchronized void poll() {
        if (inbox == null) {
            return;
        }
        List<Row> rows = jdbc.sql("select id, client_order_id, status from notify_inbox where id > ? order by id")
                .param(seen).query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
        for (Row row : rows) {
            seen = Math.max(seen, row.id());
            if (inbox.isOpen(row.clientOrderId()) && inbox.deliver(notify(row))
                    && jdbc.sql("delete from notify_inbox where id = ?").param(row.id()).update() > 0) {
                log.debug("a notify for order {} received by another instance reached its run here",
                        row.clientOrderId());
            }
        }
    }

    /** The notifies stored for an order, taken: deleted, so that one run has them. */
    List<Notify> take(String clientOrderId) {
        List<Notify> taken = new ArrayList<>();
        for (Row row : jdbc.sql("select id, client_order_id, status from notify_inbox where client_order_id = ? "
                + "order by id").param(clientOrderId)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3))).list()) {
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
