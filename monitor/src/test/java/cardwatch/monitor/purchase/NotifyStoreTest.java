package cardwatch.monitor.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.system.MutableClock;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.OrderStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Two instances on one database: a notify that reaches the one without the run reaches the run. */
class NotifyStoreTest {

    private final DriverManagerDataSource db = new DriverManagerDataSource(
            "jdbc:h2:mem:notify-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final MutableClock clock = new MutableClock();
    private final JdbcClient jdbc;

    {
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
    }

    /** One instance's inbox, store and the orders its runs were woken for. */
    private final class Instance {
        final WakingInbox inbox = new WakingInbox();
        final NotifyStore store = new NotifyStore(jdbc, inbox, clock);
        final List<String> woken = new ArrayList<>();

        Instance() {
            inbox.wakeWith(woken::add);
        }

        /** What the notify endpoint does with a verified notify. */
        void received(String platform, Notify notify) {
            if (!inbox.deliver(notify)) {
                store.record(platform, notify);
            }
        }
    }

    private static Notify delivered(String order) {
        return new Notify(order, true, new OrderStatus(OrderStatus.State.SUCCESS, "P-" + order, "CODE-123456",
                "充值成功", new BigDecimal("1.00")));
    }

    private long stored() {
        return jdbc.sql("select count(*) from notify_inbox").query(Long.class).single();
    }

    @Test
    void aNotifyReceivedByAnotherInstanceWakesTheRunThatWaitsForIt() throws InterruptedException {
        Instance a = new Instance();
        Instance b = new Instance();
        b.inbox.open("CW-1");

        a.received("reliable", delivered("CW-1"));
        assertThat(stored()).as("kept for the instance that has the run").isEqualTo(1);
        a.store.poll(); // not a's run: left for b
        assertThat(stored()).isEqualTo(1);
        b.store.poll();

        assertThat(b.woken).containsExactly("CW-1");
        Optional<Notify> got = b.inbox.await("CW-1", Duration.ZERO);
        assertThat(got).hasValueSatisfying(n -> {
            assertThat(n.signatureValid()).isTrue();
            assertThat(n.status()).isEqualTo(delivered("CW-1").status());
        });
        assertThat(stored()).as("the run has it: the row goes").isZero();
        assertThat(a.woken).isEmpty();
    }

    @Test
    void aRunTakenOverGetsTheNotifiesThatCameWhileNobodyHadIt() throws InterruptedException {
        Instance a = new Instance();
        a.received("reliable", delivered("CW-2")); // its owner died; nobody has the run yet
        Instance b = new Instance();
        b.store.poll();
        assertThat(b.woken).isEmpty();

        b.inbox.open("CW-2"); // taken over
        b.inbox.deliverStored("CW-2");

        assertThat(b.inbox.await("CW-2", Duration.ZERO)).isPresent();
        assertThat(b.woken).containsExactly("CW-2");
        assertThat(stored()).isZero();
        b.inbox.deliverStored("CW-2");
        assertThat(b.inbox.await("CW-2", Duration.ZERO)).as("taken once").isEmpty();
    }

    @Test
    void aNotifyForARunOfThisInstanceIsNotStoredAndOneNoRunClaimsGoesAfterAnHour() {
        Instance a = new Instance();
        a.inbox.open("CW-3");
        a.received("reliable", delivered("CW-3"));
        assertThat(stored()).isZero();

        a.received("reliable", delivered("CW-late"));
        clock.advance(Duration.ofMinutes(59));
        a.store.prune();
        assertThat(stored()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        a.store.prune();
        assertThat(stored()).isZero();
    }

    /** A connection that has stored a notify for {@code order} and not committed it: its id is taken, its row unseen. */
    private java.sql.Connection uncommitted(String order) throws java.sql.SQLException {
        java.sql.Connection open = db.getConnection();
        open.setAutoCommit(false);
        new NotifyStore(JdbcClient.create(new org.springframework.jdbc.datasource.SingleConnectionDataSource(open,
                true)), new WakingInbox(), clock).record("reliable", delivered(order));
        return open;
    }

    @Test
    void aNotifyCommittedAfterANewerOneStillReachesItsRun() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        b.inbox.open("CW-slow");
        b.inbox.open("CW-fast");
        // a's first insert takes its id and commits late; another insert, with the next id, commits at once
        try (java.sql.Connection slow = uncommitted("CW-slow")) {
            a.received("reliable", delivered("CW-fast"));
            b.store.poll();
            assertThat(b.woken).containsExactly("CW-fast");
            assertThat(b.store.gapsKept()).as("the id passed by").isEqualTo(1);
            slow.commit();
        }
        b.store.poll();

        assertThat(b.woken).containsExactly("CW-fast", "CW-slow");
        assertThat(b.inbox.await("CW-slow", Duration.ZERO)).isPresent();
        assertThat(stored()).isZero();
        assertThat(b.store.gapsKept()).isZero();
    }

    @Test
    void anIdPassedByIsForgottenAfterFiveMinutes() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        try (java.sql.Connection never = uncommitted("CW-gone")) {
            a.received("reliable", delivered("CW-other"));
            b.store.poll();
            assertThat(b.store.gapsKept()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(4));
            b.store.poll();
            assertThat(b.store.gapsKept()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(2));
            b.store.poll();
            assertThat(b.store.gapsKept()).as("an insert that never commits is not looked for forever").isZero();
            never.rollback();
        }
    }
}
