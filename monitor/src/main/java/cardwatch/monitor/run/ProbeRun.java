package cardwatch.monitor.run;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored probe run, as the API shows it. {@code outcome} is null while the run is in flight.
 *
 * @param phasesMs     milliseconds per phase, in the order the phases ran
 * @param deliveryMs   order submitted to code delivered, successful purchases only
 * @param status       running, unknown (interrupted, the platform not yet asked) or done
 * @param refund       for a failed paid order: pending, refunded or not_refunded; null otherwise
 * @param refundMs     failed paid order ended to money back, when refunded
 */
public record ProbeRun(long id, String platform, String probe, Instant scheduledFire, Instant plannedStart,
        Instant actualStart, Instant endedAt, String clientOrderId, String outcome, String reason,
        List<String> flags, Map<String, Long> phasesMs, Long deliveryMs, String platformOrderNo, BigDecimal amount,
        String evidence, String status, String refund, Long refundMs) {

    /** The run's identity as the recorder needs it. */
    public RunStart start() {
        return new RunStart(id, platform, probe, scheduledFire, plannedStart, actualStart, clientOrderId);
    }
}
