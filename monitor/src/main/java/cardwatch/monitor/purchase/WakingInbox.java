package cardwatch.monitor.purchase;

import cardwatch.probes.purchase.MemoryNotifyInbox;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.NotifyInbox;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The service's notify inbox: a notify kept for its run also wakes the run at once. A notify whose run is not here
 * is kept by {@link NotifyStore} for whichever instance has the run.
 */
public final class WakingInbox implements NotifyInbox {

    private final MemoryNotifyInbox inbox = new MemoryNotifyInbox();
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> waker = id -> { };
    private volatile Function<String, List<Notify>> stored = id -> List.of();

    /** Who is told the client order id of each notify kept for a run. */
    void wakeWith(Consumer<String> waker) {
        this.waker = waker;
    }

    /** Where the notifies stored for an order are taken from when its run is taken over. */
    void storedIn(Function<String, List<Notify>> stored) {
        this.stored = stored;
    }

    /** Whether a run of this instance waits for the order's notifies. */
    boolean isOpen(String clientOrderId) {
        return open.contains(clientOrderId);
    }

    @Override
    public void open(String clientOrderId) {
        inbox.open(clientOrderId);
        open.add(clientOrderId);
    }

    /** Hands a run taken over the notifies another instance stored for its order while nobody had the run. */
    void deliverStored(String clientOrderId) {
        if (isOpen(clientOrderId)) {
            stored.apply(clientOrderId).forEach(this::deliver);
        }
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
        open.remove(clientOrderId);
        inbox.close(clientOrderId);
    }
}
