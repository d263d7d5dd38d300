package cardwatch.monitor.purchase;

import cardwatch.monitor.ledger.BalanceReconciler;
import cardwatch.monitor.ledger.LedgerMeters;
import cardwatch.monitor.ledger.LedgerService;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRepository;
import cardwatch.probes.purchase.PurchaseProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Watches failed paid orders for their money. No thread waits: every few minutes the balances of the platforms
 * with refunds outstanding are reconciled; a rise that matches an order is its refund; an order whose deadline
 * passes is not_refunded. Once a day every purchase platform's balance is reconciled as well.
 */
@Component
public class RefundWatch {

    private static final Logger log = LoggerFactory.getLogger(RefundWatch.class);

    private final RunRepository runs;
    private final LedgerService ledger;
    private final LedgerMeters meters;
    private final BalanceReconciler reconciler;
    private final PlatformCatalog catalog;
    private final RunGuard guard;
    private final Clock clock;
    private final cardwatch.monitor.run.ProbeMeters probeMeters;

    RefundWatch(RunRepository runs, LedgerService ledger, LedgerMeters meters, BalanceReconciler reconciler,
            PlatformCatalog catalog, RunGuard guard, Clock clock, cardwatch.monitor.run.ProbeMeters probeMeters) {
        this.probeMeters = probeMeters;
        this.runs = runs;
        this.ledger = ledger;
        this.meters = meters;
        this.reconciler = reconciler;
        this.catalog = catalog;
        this.guard = guard;
        this.clock = clock;
    }

    /** Looks for outstanding refunds now; the scheduled sweep calls this. */
    @Scheduled(fixedDelayString = "${cardwatch.refunds.check-every:1m}",
            initialDelayString = "${cardwatch.refunds.check-every:1m}")
    public void sweep() throws InterruptedException {
        Map<String, List<RunRepository.AwaitingRefund>> byPlatform = runs.awaitingRefund().stream()
                .collect(Collectors.groupingBy(RunRepository.AwaitingRefund::platform));
        for (String id : byPlatform.keySet()) {
            Optional<Platform> platform = catalog.find(id);
            if (platform.isPresent() && guard.acquire(id, PurchaseProbe.KIND)) {
                try {
                    apply(reconciler.check(platform.get(), null), null);
                } finally {
                    guard.release(id, PurchaseProbe.KIND);
                }
            }
        }
        Instant now = clock.instant();
        for (RunRepository.AwaitingRefund run : runs.awaitingRefund()) {
            if (run.deadline() != null && !now.isBefore(run.deadline())) {
                runs.refundSettled(run.id(), LedgerMeters.NOT_REFUNDED, null);
                meters.refundOutcome(run.platform(), LedgerMeters.NOT_REFUNDED, null);
                probeMeters.flagged(run.platform(), LedgerMeters.NOT_REFUNDED);
                log.warn("{}: run {} was not refunded by its deadline {}", run.platform(), run.id(), run.deadline());
            }
        }
    }

    /** Reconciles every purchase platform's balance once a day (04:00 by the schedule's zone). */
    @Scheduled(cron = "0 0 4 * * *", zone = "${cardwatch.schedule.time-zone:Asia/Shanghai}")
    public void daily() throws InterruptedException {
        for (Platform platform : catalog.all()) {
            boolean spends = platform.purchase() != null
                    && !Platform.MODE_CHECKOUT.equals(platform.purchaseMode());
            if (spends && guard.acquire(platform.id(), PurchaseProbe.KIND)) {
                try {
                    apply(reconciler.check(platform, null), null);
                } finally {
                    guard.release(platform.id(), PurchaseProbe.KIND);
                }
            }
        }
    }

    /** The run's own reconciliation found its money back already. */
    void refundedAtOnce(long runId, String platform) {
        runs.refundOutcome(runId, LedgerMeters.REFUNDED, 0L);
        meters.refundOutcome(platform, LedgerMeters.REFUNDED, Duration.ZERO);
    }

    /** Settles the refunds a balance check found, except for {@code current}, the run whose check it is. */
    void apply(BalanceReconciler.Check check, Long current) {
        Instant now = clock.instant();
        for (BalanceReconciler.Finding finding : check.findings()) {
            if (finding.kind() != BalanceReconciler.Kind.REFUND || finding.runId().equals(current)) {
                continue;
            }
            long id = finding.runId();
            if (ledger.refunded(id).compareTo(ledger.charged(id)) < 0) {
                continue;
            }
            var run = runs.get(id);
            Duration latency = run.endedAt() == null ? Duration.ZERO : Duration.between(run.endedAt(), now);
            runs.refundSettled(id, LedgerMeters.REFUNDED, latency.toMillis());
            meters.refundOutcome(run.platform(), LedgerMeters.REFUNDED, latency);
            probeMeters.flagged(run.platform(), LedgerMeters.REFUNDED);
            log.info("{}: run {} was refunded after {}", run.platform(), id, latency);
        }
    }
}
