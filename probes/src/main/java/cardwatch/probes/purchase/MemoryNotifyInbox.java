package cardwatch.probes.purchase;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-process {@link NotifyInbox}: one small queue per open order id. */
public final class MemoryNotifyInbox implements NotifyInbox {

    private static final int MAX_PER_ORDER = 16;
    private final ConcurrentHashMap<String, BlockingQueue<Notify>> open = new ConcurrentHashMap<>();

    @Override
    public void open(String clientOrderId) {
        open.putIfAbsent(clientOrderId, new LinkedBlockingQueue<>(MAX_PER_ORDER));
    }

    @Override
    public boolean deliver(Notify notify) {
        BlockingQueue<Notify> queue = open.get(notify.clientOrderId());
        return queue != null && queue.offer(notify);
    }

    @Override
    public Optional<Notify> await(String clientOrderId, Duration timeout) throws InterruptedException {
        BlockingQueue<Notify> queue = open.get(clientOrderId);
        if (queue == null) {
            throw new IllegalStateException("order " + clientOrderId + " is not open");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return Optional.ofNullable(queue.poll());
        }
        return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    @Override
    public void close(String clientOrderId) {
        open.remove(clientOrderId);
    }
}
