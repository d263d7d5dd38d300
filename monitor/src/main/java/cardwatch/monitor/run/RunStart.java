package cardwatch.monitor.run;

import java.time.Instant;

/**
 * A run that has begun: its row exists.
 *
 * @param id             row id
 * @param platform       platform id
 * @param probe          probe kind
 * @param scheduledFire  the trigger's fire time: with the platform and probe, the run's identity
 * @param plannedStart   fire time plus jitter
 * @param actualStart    when it really started
 * @param clientOrderId  our order id, fixed before anything was sent
 */
public record RunStart(long id, String platform, String probe, Instant scheduledFire, Instant plannedStart,
        Instant actualStart, String clientOrderId) {
}
