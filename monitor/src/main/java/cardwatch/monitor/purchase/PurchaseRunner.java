package cardwatch.monitor.purchase;

import cardwatch.monitor.budget.BudgetService;
import cardwatch.monitor.ledger.BalanceReconciler;
import cardwatch.monitor.ledger.LedgerService;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.run.RunStart;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.CrashPoints;
import cardwatch.probes.Evidence;
import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.PurchaseJournal;
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
 * charge. The steps between are {@link PurchaseEngine}'s.
 */
@Service
public class PurchaseRunner {

    private final BudgetService budgets;
    private final LedgerService ledger;
    private final BalanceReconciler reconciler;
    private final RefundWatch refunds;
    private final RunRepository runs;
    private final CrashPoints crashPoints;
    private final Clock clock;
    private final Duration refundDeadline;

    PurchaseRunner(BudgetService budgets, LedgerService ledger,
            BalanceReconciler reconciler, RefundWatch refunds, RunRepository runs, CrashPoints crashPoints,
            Clock clock, CardwatchProperties properties) {
        this.budgets = budgets;
        this.ledger = ledger;
        this.reconciler = reconciler;
        this.refunds = refunds;
        this.runs = runs;
        this.crashPoints = crashPoints;
        this.clock = clock;
        this.refundDeadline = properties.refunds().deadline();
    }

    /**
     * Reserves the run's budget and reads the platform's balance baseline before the order leaves.
     *
     * @return why the run may not buy, or null when it may
     */
    public String reserve(Platform platform, RunStart run) throws InterruptedException {
        BigDecimal cap = platform.purchase().priceCap();
        String refusal = budgets.reserve(platform, budgets.day(run.actualStart()), cap);
        if (refusal != null) {
            return refusal;
        }
        runs.reserved(run.id(), cap);
        // a checkout pays nothing: there is no balance of ours to read (asking only logs that it cannot be read)
        if (!Platform.MODE_CHECKOUT.equals(platform.purchaseMode()) && !reconciler.hasBaseline(platform)) {
            reconciler.check(platform, null);
        }
        return null;
    }

    /** Where the run's money facts are written; {@code held} when the platform is known to hold the order already. */
    public Journal journal(Platform platform, RunStart run, boolean held) {
        Journal journal = new Journal(platform, run);
        journal.held = held;
        return journal;
    }

    /** The run's verdict with its money: the balance reconciled, a refund watch started, the budget settled. */
    public ProbeResult settle(Platform platform, RunStart run, ProbeResult result, Journal journal)
            throws InterruptedException {
        return settled(platform, run, result, journal);
    }

    private ProbeResult settled(Platform platform, RunStart run, ProbeResult result, Journal journal)
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
    public final class Journal implements PurchaseJournal {
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
