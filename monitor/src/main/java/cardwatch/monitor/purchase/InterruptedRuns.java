package cardwatch.monitor.purchase;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.NotifyInbox;
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
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Finishes purchase runs that a crash or a restart left unfinished: at start-up (before any new run is scheduled)
 * and then periodically. Each is looked up at the platform by its client order id, completed and classified, or
 * left {@code unknown} with evidence and asked again later; it is never submitted again.
 */
@Component
public class InterruptedRuns {

    private static final Logger log = LoggerFactory.getLogger(InterruptedRuns.class);

    private final RunRepository runs;
    private final RunRecorder recorder;
    private final RunGuard guard;
    private final PlatformCatalog catalog;
    private final PurchaseRunner purchases;
    private final HttpTransport http;
    private final NotifyInbox inbox;
    private final CallbackUrls callbacks;
    private final Clock clock;
    private final Duration giveUpAfter;
    private final Instant processStart;

    InterruptedRuns(RunRepository runs, RunRecorder recorder, RunGuard guard, PlatformCatalog catalog,
            PurchaseRunner purchases, HttpTransport http, NotifyInbox inbox, CallbackUrls callbacks, Clock clock,
            CardwatchProperties properties) {
        this.runs = runs;
        this.recorder = recorder;
        this.guard = guard;
        this.catalog = catalog;
        this.purchases = purchases;
        this.http = http;
        this.inbox = inbox;
        this.callbacks = callbacks;
        this.clock = clock;
        this.giveUpAfter = properties.reconcile().giveUpAfter();
        this.processStart = clock.instant();
    }

    /**
     * Starts reconciling the runs a previous process left, on its own thread: an unreachable platform must not
     * hold up the start. New runs of a platform wait for its reconciliation (they share the {@link RunGuard}).
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void atStartup() {
        Thread thread = new Thread(() -> {
            try {
                int finished = reconcile(true);
                if (finished > 0) {
                    log.info("finished {} purchase runs that were interrupted before this start", finished);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("reconciling interrupted runs failed; the periodic pass will try again", e);
            }
        }, "reconcile-startup");
        thread.setDaemon(true);
        thread.start();
    }

    @Scheduled(fixedDelayString = "${cardwatch.reconcile.every:1m}", initialDelayString = "${cardwatch.reconcile.every:1m}")
    public void periodically() throws InterruptedException {
        reconcile(false);
    }

    /**
     * Reconciles the unfinished runs this process does not own. At start-up those are the ones begun before it;
     * later, the ones older than their confirm deadline (another instance may still be running younger ones).
     *
     * @return how many were finished
     */
    public int reconcile(boolean startup) throws InterruptedException {
        int finished = 0;
        Instant now = clock.instant();
        for (ProbeRun row : runs.unfinished(PurchaseProbe.KIND)) {
            Optional<Platform> platform = catalog.find(row.platform());
            Duration confirm = platform.map(p -> p.purchase().confirmDeadline()).orElse(Duration.ZERO);
            boolean stale = startup ? row.actualStart().isBefore(processStart)
                    : row.actualStart().plus(confirm).plus(Duration.ofMinutes(1)).isBefore(now);
            if (!stale || !guard.acquire(row.platform(), PurchaseProbe.KIND)) {
                continue;
            }
            try {
                if (finish(row, platform, now)) {
                    finished++;
                }
            } finally {
                guard.release(row.platform(), PurchaseProbe.KIND);
            }
        }
        return finished;
    }

    private boolean finish(ProbeRun row, Optional<Platform> platform, Instant now) throws InterruptedException {
        if (platform.isEmpty()) {
            runs.markUnknown(row.id(), "platform '" + row.platform() + "' is no longer configured; the order "
                    + row.clientOrderId() + " cannot be looked up");
            return false;
        }
        ProbeContext context = new ProbeContext(clock, http, inbox, row.clientOrderId(),
                callbacks.notifyUrl(row.platform()));
        Optional<ProbeResult> result = purchases.resume(platform.get(), row, context);
        if (result.isEmpty() && row.actualStart().plus(giveUpAfter).isBefore(now)) {
            result = Optional.of(ProbeResult.error(Reason.INTERNAL, "interrupted, and the platform could not be "
                    + "asked about order " + row.clientOrderId() + " for " + giveUpAfter.toDays() + " days"));
        }
        if (result.isEmpty()) {
            log.warn("{}: interrupted run {} (order {}) could not be reconciled yet", row.platform(), row.id(),
                    row.clientOrderId());
            return false;
        }
        log.info("{}: interrupted run {} (order {}) reconciled: {} {}", row.platform(), row.id(),
                row.clientOrderId(), result.get().outcome().label(), result.get().reason().label());
        recorder.record(row.start(), result.get());
        return true;
    }
}
