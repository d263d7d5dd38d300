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

    public RunRecorder(RunRepository runs, ProbeMeters meters, Clock clock) {
        this.runs = runs;
        this.meters = meters;
        this.clock = clock;
    }

    public void record(RunStart run, ProbeResult result) {
        Instant ended = clock.instant();
        runs.finish(run, result, ended);
        meters.record(run.platform(), run.probe(), result, Duration.between(run.actualStart(), ended), ended);
        log.info("{} {} run {}: {} {}{} ({} ms)", run.platform(), run.probe(), run.clientOrderId(),
                result.outcome().label(), result.reason().label(),
                result.flags().isEmpty() ? "" : " " + result.flags(),
                Duration.between(run.actualStart(), ended).toMillis());
    }
}
