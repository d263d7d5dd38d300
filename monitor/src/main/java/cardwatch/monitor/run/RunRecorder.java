package cardwatch.monitor.run;

import cardwatch.probes.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The one place that turns a probe's result into a row and meters. */
@Component
public class RunRecorder {

    private static final Logger log = LoggerFactory.getLogger(RunRecorder.class);

    private final RunRepository runs;
    private final ProbeMeters meters;
    private final Clock clock;
    private final List<FindingSink> findings;

    /** Where findings beyond the verdict go (the ICP status, the trust score); none by default. */
    public interface FindingSink {
        void record(String platform, String probe, ProbeResult result, Instant at);
    }

    public RunRecorder(RunRepository runs, ProbeMeters meters, Clock clock) {
        this(runs, meters, clock, List.of());
    }

    @Autowired
    public RunRecorder(RunRepository runs, ProbeMeters meters, Clock clock, ObjectProvider<FindingSink> findings) {
        this(runs, meters, clock, findings.orderedStream().toList());
    }

    public RunRecorder(RunRepository runs, ProbeMeters meters, Clock clock, List<FindingSink> findings) {
        this.runs = runs;
        this.meters = meters;
        this.clock = clock;
        this.findings = List.copyOf(findings);
    }

    public void record(RunStart run, ProbeResult result) {
        Instant ended = clock.instant();
        runs.finish(run, result, ended);
        meters.record(run.platform(), run.probe(), result, Duration.between(run.actualStart(), ended), ended);
        for (FindingSink sink : findings) {
            try {
                sink.record(run.platform(), run.probe(), result, ended);
            } catch (RuntimeException e) {
                log.warn("{} {} run {}: a finding was not recorded: {}", run.platform(), run.probe(),
                        run.clientOrderId(), e.toString());
            }
        }
        log.info("{} {} run {}: {} {}{} ({} ms)", run.platform(), run.probe(), run.clientOrderId(),
                result.outcome().label(), result.reason().label(),
                result.flags().isEmpty() ? "" : " " + result.flags(),
                Duration.between(run.actualStart(), ended).toMillis());
    }
}
