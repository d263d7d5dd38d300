package cardwatch.monitor.api;

import cardwatch.monitor.run.ProbeRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A finished run as the public API shows it: when, what came of it and how long each phase took. Order ids, the
 * amount paid and the raw evidence are private ({@code /api/admin/v1/platforms/{id}/runs}, read token).
 *
 * @param status {@code done}, or {@code unknown} for an interrupted purchase the platform could not be asked about
 * @param refund {@code pending}, {@code refunded} or {@code not_refunded} for a failed paid order, else null
 */
public record RunSummary(long id, String platform, String probe, Instant scheduledFire, Instant plannedStart,
        Instant actualStart, Instant endedAt, String outcome, String reason, List<String> flags,
        Map<String, Long> phasesMs, Long deliveryMs, String status, String refund, Long refundMs) {

    /** The summary of a finished run; null for one still in flight (the public API lists none). */
    static RunSummary of(ProbeRun run) {
        return run == null || run.endedAt() == null ? null : new RunSummary(run.id(), run.platform(), run.probe(),
                run.scheduledFire(), run.plannedStart(), run.actualStart(), run.endedAt(), run.outcome(),
                run.reason(), run.flags(), run.phasesMs(), run.deliveryMs(), run.status(), run.refund(),
                run.refundMs());
    }
}
