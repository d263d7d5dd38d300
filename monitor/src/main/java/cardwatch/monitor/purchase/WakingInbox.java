package cardwatch.monitor.purchase;

import cardwatch.probes.purchase.MemoryNotifyInbox;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** The service's notify inbox: a notify kept for its run also wakes the run at once. */
public final class WakingInbox implements NotifyInbox {

    private final MemoryNotifyInbox inbox = new MemoryNotifyInbox();
    private volatile Consumer<String> waker = id -> { };

    /** Who is told the client order id of each notify kept for a run. */
    void wakeWith(Consumer<String> waker) {
        this.waker = waker;
    }

    @Override
    public void open(String clientOrderId) {
        inbox.open(clientOrderId);
    }

    @Override
    public boolean deliver(Notify notify) {
        boolean kept = inbox.deliver(notify);
        if (kept) {
            waker.accept(notify.clientOrderId());
        }
        return kept;
    }

    @Override
    public Optional<Notify> await(String clientOrderId, Duration timeout) throws InterruptedException {
        return inbox.await(clientOrderId, timeout);
    }

    @Override
    public void close(String clientOrderId) {
        inbox.close(clientOrderId);
    }
}
