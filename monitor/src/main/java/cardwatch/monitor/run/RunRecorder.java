package cardwatch.monitor.run;

import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one place that turns a probe's result into a row and meters. Before it is stored, a result is judged: a
 * failure to get through to the platform may turn out to be our own network's (see {@link Judge}).
 */
@Component
public class RunRecorder {

    private static final Logger log = LoggerFactory.getLogger(RunRecorder.class);

    private final RunRepository runs;
    private final RunWriter writer;
    private final ProbeMeters meters;
    private final Clock clock;
    private final List<FindingSink> findings;
    private final List<Judge> judges;

    /** Where findings beyond the verdict go (the ICP status, the trust score); none by default. */
    public interface FindingSink {
        void record(String platform, String probe, ProbeResult result, Instant at);
    }

    /** Looks at a result before it is stored, with evidence the probe did not have; returns it, or a corrected one. */
    public interface Judge {
        ProbeResult judge(RunStart run, ProbeResult result, Instant ended);
    }

    public RunRecorder(RunRepository runs, RunWriter writer, ProbeMeters meters, Clock clock) {
        this(runs, writer, meters, clock, List.of(), List.of());
    }

    @Autowired
    public RunRecorder(RunRepository runs, RunWriter writer, ProbeMeters meters, Clock clock,
            ObjectProvider<FindingSink> findings, ObjectProvider<Judge> judges) {
        this(runs, writer, meters, clock, findings.orderedStream().toList(), judges.orderedStream().toList());
    }

    public RunRecorder(RunRepository runs, RunWriter writer, ProbeMeters meters, Clock clock,
            List<FindingSink> findings, List<Judge> judges) {
        this.runs = runs;
        this.writer = writer;
        this.meters = meters;
        this.clock = clock;
        this.findings = List.copyOf(findings);
        this.judges = List.copyOf(judges);
    }

    public void record(RunStart run, ProbeResult probed) {
        Instant ended = clock.instant();
        ProbeResult result = probed;
        for (Judge judge : judges) {
            result = judge.judge(run, result, ended);
        }
        if (run.saved()) {
            runs.finish(run, result, ended);
        } else {
            writer.write(new RunRepository.Finished(run, result, ended));
        }
        meters.record(run.platform(), run.probe(), result, Duration.between(run.actualStart(), ended), ended);
        for (FindingSink sink : findings) {
            try {
                sink.record(run.platform(), run.probe(), result, ended);
            } catch (RuntimeException e) {
                log.warn("{} {} run {}: a finding was not recorded: {}", run.platform(), run.probe(),
                        name(run), e.toString());
            }
        }
        // a large fleet succeeds at hundreds of checks a second: those go to DEBUG, purchases and the rest to INFO
        boolean routine = result.outcome() == Outcome.SUCCESS && run.clientOrderId() == null;
        log.atLevel(routine ? Level.DEBUG : Level.INFO).log("{} {} run {}: {} {}{} ({} ms)", run.platform(),
                run.probe(), name(run), result.outcome().label(), result.reason().label(),
                result.flags().isEmpty() ? "" : " " + result.flags(),
                Duration.between(run.actualStart(), ended).toMillis());
    }

    /** How a log line names a run: its order id, or (a run that places no order) its fire time. */
    private static Object name(RunStart run) {
        return run.clientOrderId() != null ? run.clientOrderId() : run.scheduledFire();
    }
}
