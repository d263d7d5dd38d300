package cardwatch.monitor.run;

import java.time.Instant;

/**
 * A run that has begun. A purchase's row exists from before it sends anything; the row of a run that spends nothing
 * is written when it has ended (see {@link RunWriter}), and until then its id is {@link #UNSAVED}.
 *
 * @param id             row id, or {@link #UNSAVED}
 * @param platform       platform id
 * @param probe          probe kind
 * @param scheduledFire  the trigger's fire time: with the platform and probe, the run's identity
 * @param plannedStart   fire time plus jitter
 * @param actualStart    when it really started
 * @param clientOrderId  our order id, fixed before anything was sent
 */
public record RunStart(long id, String platform, String probe, Instant scheduledFire, Instant plannedStart,
        Instant actualStart, String clientOrderId) {

    /** The id of a run whose row is written when it ends; no row has it (ids start at 1). */
    public static final long UNSAVED = 0;

    /** Whether the run's row exists already (then its end updates it). */
    public boolean saved() {
        return id != UNSAVED;
    }
}
