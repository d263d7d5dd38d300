package cardwatch.monitor.icp;

import cardwatch.monitor.run.RunRecorder;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.icp.IcpProbe;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** Keeps each ICP check's status and record, and the status metric, in step with the run. */
@Component
@org.springframework.core.annotation.Order(0)
class IcpFindings implements RunRecorder.FindingSink {

    private final IcpStatusRepository checks;
    private final IcpMeters meters;

    IcpFindings(IcpStatusRepository checks, IcpMeters meters) {
        this.checks = checks;
        this.meters = meters;
    }

    @Override
    public void record(String platform, String probe, ProbeResult result, Instant at) {
        String status = result.facts().get("status");
        if (!IcpProbe.KIND.equals(probe) || status == null) {
            return;
        }
        checks.save(platform, status, result.facts(), result.evidence(), at);
        meters.current(platform, status);
    }
}
