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
 */
public record ProbeRun(long id, String platform, String probe, Instant scheduledFire, Instant plannedStart,
        Instant actualStart, Instant endedAt, String clientOrderId, String outcome, String reason,
        List<String> flags, Map<String, Long> phasesMs, Long deliveryMs, String platformOrderNo, BigDecimal amount,
        String evidence) {
}
