package cardwatch.monitor.purchase;

import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.CardwatchProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * This instance's hold on the purchases it runs: every third of the lease it renews the lease of each run in its
 * engine's hands. While it lives, no other instance takes them; once it stops renewing (killed, cut off), the
 * leases run out and another instance's {@link InterruptedRuns} takes the runs over from their saved state.
 */
@Component
public class RunLeases implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunLeases.class);

    private final RunRepository runs;
    private final PurchaseEngine engine;
    private final Clock clock;
    private final String node;
    private final Duration lease;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-leases");
        t.setDaemon(true);
        return t;
    });

    RunLeases(RunRepository runs, PurchaseEngine engine, Clock clock, CardwatchProperties properties,
            org.springframework.core.env.Environment environment) {
        this.runs = runs;
        this.engine = engine;
        this.clock = clock;
        this.node = properties.cluster().nodeName();
        this.lease = properties.cluster().lease();
        if (environment.matchesProfiles("cluster")) { // alone, no other instance can take a run: no check needed
            engine.fenceWith(id -> runs.hold(id, node, clock.instant().plus(lease)));
        }
        long every = Math.max(1, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** This instance's name in the rows it owns. */
    public String node() {
        return node;
    }

    /** How long a run stays this instance's without a renewal. */
    public Duration lease() {
        return lease;
    }

    void renew() {
        List<Long> ids = engine.runIds();
        if (ids.isEmpty()) {
            return;
        }
        try {
            if (runs.renew(ids, node, clock.instant().plus(lease)) < ids.size()) {
                List<Long> taken = runs.takenFrom(ids, node);
                if (!taken.isEmpty()) {
                    log.warn("{} purchases this instance held were taken over by another instance while its lease "
                            + "ran out (a stall of this instance?); it stops acting on them: runs {}", taken.size(),
                            taken);
                    engine.lost(taken);
                }
            }
        } catch (RuntimeException e) {
            log.warn("the leases of this instance's {} purchases were not renewed: {}", ids.size(), e.toString());
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
