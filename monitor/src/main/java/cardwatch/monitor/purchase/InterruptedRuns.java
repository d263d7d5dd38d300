package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRepository;
import cardwatch.probes.purchase.PurchaseProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Continues purchase runs that a crash or a restart left unfinished: at start-up (before any new run is scheduled)
 * and then periodically. Each goes back to the {@link PurchaseEngine}: from its saved state where it stopped, or,
 * when it stopped before its first wait, looked up at the platform by its client order id. It is never submitted
 * again; one the platform cannot be asked about is left {@code unknown} with evidence and asked again later.
 */
@Component
public class InterruptedRuns {

    private static final Logger log = LoggerFactory.getLogger(InterruptedRuns.class);

    private final RunRepository runs;
    private final RunGuard guard;
    private final PlatformCatalog catalog;
    private final PurchaseEngine engine;
    private final Clock clock;
    private final Instant processStart;
    /** Under the cluster profile, other live instances may hold unfinished runs begun before this one started. */
    private final boolean clustered;

    private final RunLeases leases;

    InterruptedRuns(RunRepository runs, RunGuard guard, PlatformCatalog catalog, PurchaseEngine engine, Clock clock,
            Environment environment, RunLeases leases) {
        this.clustered = environment.matchesProfiles("cluster");
        this.leases = leases;
        this.runs = runs;
        this.guard = guard;
        this.catalog = catalog;
        this.engine = engine;
        this.clock = clock;
        this.processStart = clock.instant();
    }

    /** Hands the runs a previous process left to the engine; new runs of a platform wait for them (the guard). */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void atStartup() {
        int taken = reconcile(true);
        if (taken > 0) {
            log.info("continuing {} purchase runs that were interrupted before this start", taken);
        }
    }

    @Scheduled(fixedDelayString = "${cardwatch.reconcile.every:1m}", initialDelayString = "${cardwatch.reconcile.every:1m}")
    public void periodically() {
        int taken = reconcile(false);
        if (taken > 0) {
            log.info("took over {} unfinished purchase runs{}", taken, clustered
                    ? " whose owner's lease ran out (" + leases.node() + " holds them now)"
                    : " older than their confirm deadline");
        }
    }

    /**
     * Takes over the unfinished runs this process does not own. Alone, at start-up, those are the ones begun before
     * it, and later the ones older than their confirm deadline and a minute. Under the cluster profile, they are the
     * ones whose lease has run out: their owner stopped renewing it. Each is claimed in the database before it is
     * taken, so one instance takes each.
     *
     * @return how many were handed to the engine
     */
    public int reconcile(boolean startup) {
        int taken = 0;
        Instant now = clock.instant();
        for (ProbeRun row : runs.unfinished(PurchaseProbe.KIND)) {
            Optional<Platform> platform = catalog.find(row.platform());
            Duration confirm = platform.map(p -> p.purchase() == null ? Duration.ZERO : p.purchase().confirmDeadline())
                    .orElse(Duration.ZERO);
            boolean stale = clustered || (startup ? row.actualStart().isBefore(processStart)
                    : row.actualStart().plus(confirm).plus(Duration.ofMinutes(1)).isBefore(now));
            if (!stale || !guard.acquire(row.platform(), PurchaseProbe.KIND)) { // a run of this process holds its key
                continue;
            }
            // one instance wins each claim; a run another instance holds stays its own
            if (!runs.claim(row.id(), leases.node(), now, leases.lease(), clustered)) {
                guard.release(row.platform(), PurchaseProbe.KIND);
                continue;
            }
            if (platform.isEmpty()) {
                runs.markUnknown(row.id(), "platform '" + row.platform() + "' is no longer configured; the order "
                        + row.clientOrderId() + " cannot be looked up");
                guard.release(row.platform(), PurchaseProbe.KIND);
                continue;
            }
            engine.adopt(platform.get(), row);
            taken++;
        }
        return taken;
    }
}
