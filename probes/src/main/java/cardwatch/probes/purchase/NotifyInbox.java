package cardwatch.probes.purchase;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a platform's async notifies meet the run waiting for them. A run opens its order id before it
 * submits, so a notify that outruns the submit's answer is kept.
 */
public interface NotifyInbox {

    void open(String clientOrderId);

    /** Hands a notify to the run waiting for it; false when no run has that order id open. */
    boolean deliver(Notify notify);

    /** Waits up to {@code timeout} for the next notify for an open order id. */
    Optional<Notify> await(String clientOrderId, Duration timeout) throws InterruptedException;

    void close(String clientOrderId);
}
