package cardwatch.monitor.run;

import cardwatch.probes.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The one place that turns a probe's result into a row and meters. */
@Component
public class RunRecorder {

    private static final Logger log = LoggerFactory.getLogger(RunRecorder.class);

    private final RunRepository runs;
    private final ProbeMeters meters;
    private final Clock clock;
    private final FindingSink findings;

    /** Where findings beyond the verdict go (the ICP status); none by default. */
    public interface FindingSink {
        FindingSink NONE = (platform, probe, result, at) -> {
        };

        void record(String platform, String probe, ProbeResult result, Instant at);
    }

    public RunRecorder(RunRepository runs, ProbeMeters meters, Clock clock) {
        this(runs, meters, clock, FindingSink.NONE);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public RunRecorder(RunRepository runs, ProbeMeters meters, Clock clock, FindingSink findings) {
        this.runs = runs;
        this.meters = meters;
        this.clock = clock;
        this.findings = findings;
    }

    public void record(RunStart run, ProbeResult result) {
        Instant ended = clock.instant();
        runs.finish(run, result, ended);
        findings.record(run.platform(), run.probe(), result, ended);
        meters.record(run.platform(), run.probe(), result, Duration.between(run.actualStart(), ended), ended);
        log.info("{} {} run {}: {} {}{} ({} ms)", run.platform(), run.probe(), run.clientOrderId(),
                result.outcome().label(), result.reason().label(),
                result.flags().isEmpty() ? "" : " " + result.flags(),
                Duration.between(run.actualStart(), ended).toMillis());
    }
}
