package cardwatch.monitor.purchase;

import cardwatch.monitor.budget.BudgetService;
import cardwatch.monitor.ledger.BalanceReconciler;
import cardwatch.monitor.ledger.LedgerService;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.run.RunStart;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.CrashPoints;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.Evidence;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.PurchaseJournal;
import cardwatch.probes.purchase.PurchaseProbe;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * A purchase run with its money: the budget is reserved before the order leaves, every charge is written to the
 * ledger the moment it is known, the platform's balance is reconciled when the run ends (a duplicate charge
 * changes the run's reason; a failed paid order starts a refund watch), and the reservation becomes the real
 * charge. Interrupted runs are resumed by query, never submitted again.
 */
@Service
public class PurchaseRunner {

    private final PlatformCatalog catalog;
    private final PurchaseProbe probe;
    private final BudgetService budgets;
    private final LedgerService ledger;
    private final BalanceReconciler reconciler;
    private final RefundWatch refunds;
    private final RunRepository runs;
    private final CrashPoints crashPoints;
    private final Clock clock;
    private final Duration refundDeadline;

    PurchaseRunner(PlatformCatalog catalog, ProbeRegistry registry, BudgetService budgets, LedgerService ledger,
            BalanceReconciler reconciler, RefundWatch refunds, RunRepository runs, CrashPoints crashPoints,
            Clock clock, CardwatchProperties properties) {
        this.catalog = catalog;
        this.probe = (PurchaseProbe) registry.probes().get(PurchaseProbe.KIND);
        this.budgets = budgets;
        this.ledger = ledger;
        this.reconciler = reconciler;
        this.refunds = refunds;
        this.runs = runs;
        this.crashPoints = crashPoints;
        this.clock = clock;
        this.refundDeadline = properties.refunds().deadline();
    }

    /** A scheduled run: reserve, buy, reconcile, settle. */
    public ProbeResult run(Platform platform, RunStart run, ProbeContext context) throws InterruptedException {
        BigDecimal cap = platform.purchase().priceCap();
        String refusal = budgets.reserve(platform, budgets.day(run.actualStart()), cap);
        if (refusal != null) {
            return ProbeResult.error(Reason.BUDGET, refusal);
        }
        runs.reserved(run.id(), cap);
        if (!reconciler.hasBaseline(platform)) {
            reconciler.check(platform, null);
        }
        Journal journal = new Journal(platform, run);
        ProbeResult result = probe.run(catalog.settings(platform), context.withJournal(journal));
        return settle(platform, run, result, journal);
    }

    /** An interrupted run, finished by query; empty when the platform could not be asked. */
    public Optional<ProbeResult> resume(Platform platform, ProbeRun row, ProbeContext context)
            throws InterruptedException {
        RunStart run = row.start();
        Journal journal = new Journal(platform, run);
        PurchaseProbe.Resumption resumed = probe.resume(catalog.settings(platform), context.withJournal(journal),
                row.actualStart());
        if (resumed.result() == null) {
            runs.markUnknown(run.id(), Evidence.of("not reconciled yet: " + resumed.unresolved(), List.of()));
            return Optional.empty();
        }
        return Optional.of(settle(platform, run, resumed.result(), journal));
    }

    private ProbeResult settle(Platform platform, RunStart run, ProbeResult result, Journal journal)
            throws InterruptedException {
        boolean paid = journal.held || ledger.charges(run.id()) > 0;
        boolean paidFailure = paid && result.outcome() != Outcome.SUCCESS && result.delivery() == null;
        if (paidFailure) {
            runs.refundPending(run.id(), clock.instant().plus(refundDeadline));
        }
        Long unpriced = paid && ledger.charges(run.id()) == 0 ? run.id() : null;
        // a checkout pays nothing: there is no balance of ours to read or explain
        BalanceReconciler.Check check = Platform.MODE_CHECKOUT.equals(platform.purchaseMode()) && !paid
                ? new BalanceReconciler.Check(null, List.of(), "checkout only: nothing is paid")
                : reconciler.check(platform, unpriced);
        refunds.apply(check, run.id());
        Set<Flag> flags = result.flags().isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(result.flags());
        Reason reason = result.reason();
        String evidence = result.evidence();
        Optional<BalanceReconciler.Finding> duplicate = check.find(BalanceReconciler.Kind.DUPLICATE_CHARGE, run.id());
        if (duplicate.isPresent()) {
            reason = Reason.DUPLICATE_CHARGE;
            evidence = duplicate.get().evidence() + "; " + evidence;
        }
        if (paidFailure || duplicate.isPresent()) {
            boolean refunded = check.find(BalanceReconciler.Kind.REFUND, run.id()).isPresent()
                    && ledger.refunded(run.id()).compareTo(ledger.charged(run.id())) >= 0;
            if (paidFailure) {
                flags.add(refunded ? Flag.REFUNDED : Flag.REFUND_PENDING);
            }
            if (refunded && paidFailure) {
                refunds.refundedAtOnce(run.id(), platform.id());
            }
        }
        BigDecimal charged = ledger.charged(run.id());
        LocalDate day = budgets.day(run.actualStart());
        budgets.adjust(platform.id(), day, charged.subtract(runs.reserved(run.id())));
        runs.reserved(run.id(), charged);
        return new ProbeResult(reason.outcome(), reason, flags, result.phases(), result.delivery(),
                result.platformOrderNo(), charged.signum() > 0 ? charged : result.amountCharged(),
                Evidence.of(evidence, List.of()));
    }

    /** Writes a charge the moment the platform is known to hold the order. */
    private final class Journal implements PurchaseJournal {
        private final Platform platform;
        private final RunStart run;
        private boolean held;

        Journal(Platform platform, RunStart run) {
            this.platform = platform;
            this.run = run;
        }

        @Override
        public void accepted(String platformOrderNo, BigDecimal amount, String source) throws InterruptedException {
            held = true;
            if (amount != null) {
                ledger.charge(platform.id(), run.id(), platformOrderNo, amount, source, "");
            }
            crashPoints.reached(CrashPoints.AFTER_SUBMIT);
        }

        @Override
        public void confirming(int attempt) throws InterruptedException {
            if (attempt == 1) {
                crashPoints.reached(CrashPoints.DURING_CONFIRM);
            }
        }
    }
}
