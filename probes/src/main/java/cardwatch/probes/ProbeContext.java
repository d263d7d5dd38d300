package cardwatch.probes;

import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseJournal;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/**
 * What the service lends a probe for one run.
 *
 * @param clock          the time source
 * @param http           the bounded HTTP client
 * @param notifications  where the platform's async notifies for this run arrive
 * @param clientOrderId  our order id for this run, fixed before anything is sent; null for a run that orders nothing
 * @param notifyUrl      the callback URL the platform is told to notify; null for a run that orders nothing
 * @param journal        where money facts are written the moment they are known
 */
public record ProbeContext(Clock clock, HttpTransport http, NotifyInbox notifications, String clientOrderId,
        URI notifyUrl, PurchaseJournal journal) {

    public ProbeContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(http, "http");
        journal = journal == null ? PurchaseJournal.NONE : journal;
    }

    /** The same context with another journal. */
    public ProbeContext withJournal(PurchaseJournal other) {
        return new ProbeContext(clock, http, notifications, clientOrderId, notifyUrl, other);
    }

    public ProbeContext(Clock clock, HttpTransport http, NotifyInbox notifications, String clientOrderId,
            URI notifyUrl) {
        this(clock, http, notifications, clientOrderId, notifyUrl, PurchaseJournal.NONE);
    }
}
