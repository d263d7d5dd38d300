package cardwatch.monitor.hooks;

import java.io.IOException;

/** One way to page someone. A channel exists only when its key setting (its URL) is present. */
public interface AlertChannel {

    /** The metric label and the outbox's channel column. */
    String name();

    /**
     * Whether a burst of notices goes out as one message (chat robots); machine channels (the webhook, PagerDuty)
     * get one message per notice.
     */
    default boolean groups() {
        return false;
    }

    /**
     * Whether the channel wakes a person (PagerDuty): without a route of its own it gets only {@code critical}
     * notices, so that a warning never pages.
     */
    default boolean pages() {
        return false;
    }

    /** Delivers one notice, or throws: the outbox retries it later. */
    void send(Notice notice) throws IOException;
}
