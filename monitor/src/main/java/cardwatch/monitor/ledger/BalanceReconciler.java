package cardwatch.monitor.ledger;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.ProbeRegistry;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.NotifyInbox;
import cardwatch.probes.purchase.PurchaseProtocol;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Reconciles the ledger against the platform's own balance. The balance should be the last reading plus the
 * effect of every ledger entry since; a difference is explained if it can be:
 * <ul>
 * <li>lower, and a run's charge amount was unknown (its answer was lost): that is its charge;</li>
 * <li>lower by exactly one order's charge since the last reading: a second deduction, {@code duplicate_charge};</li>
 * <li>higher, and a failed paid order awaits its money: a refund;</li>
 * <li>otherwise an {@code unexplained_balance_change}, written as an adjustment so the next reading starts even.</li>
 * </ul>
 * Checks of one platform never run at once.
 */
@Service
public class BalanceReconciler {

    private static final Logger log = LoggerFactory.getLogger(BalanceReconciler.class);

    /** What one check found. */
    public enum Kind { CHARGE_FROM_BALANCE, DUPLICATE_CHARGE, REFUND, UNEXPLAINED }

    public record Finding(Kind kind, Long runId, BigDecimal amount, String evidence) {
    }

    /**
     * @param balance   the balance read, or null when it could not be read
     * @param failure   why it could not be read
     */
    public record Check(BigDecimal balance, List<Finding> findings, String failure) {

        public Optional<Finding> find(Kind kind, long runId) {
            return findings.stream().filter(f -> f.kind() == kind && f.runId() != null && f.runId() == runId)
                    .findFirst();
        }
    }

    private final LedgerRepository ledger;
    private final LedgerService service;
    private final PlatformCatalog catalog;
    private final ProbeRegistry registry;
    private final HttpTransport http;
    private final NotifyInbox inbox;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    BalanceReconciler(LedgerRepository ledger, LedgerService service, PlatformCatalog catalog,
            ProbeRegistry registry, HttpTransport http, NotifyInbox inbox, JdbcClient jdbc, Clock clock) {
        this.ledger = ledger;
        this.service = service;
        this.catalog = catalog;
        this.registry = registry;
        this.http = http;
        this.inbox = inbox;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Whether the platform's balance was ever read: the first reading is the baseline. */
    public boolean hasBaseline(Platform platform) {
        return ledger.snapshot(platform.id()).isPresent();
    }

    /**
     * Reads the platform's balance and explains the difference.
     *
     * @param unpricedRun  a run whose order the platform holds at an unknown price, or null
     */
    public Check check(Platform platform, Long unpricedRun) throws InterruptedException {
        synchronized (locks.computeIfAbsent(platform.id(), k -> new Object())) {
            return checkLocked(platform, unpricedRun);
        }
    }

    private Check checkLocked(Platform platform, Long unpricedRun) throws InterruptedException {
        String id = platform.id();
        long highWater = ledger.highWater(id);
        PurchaseProtocol protocol = registry.protocols().get(platform.protocol());
        BalanceAnswer answer = protocol.balance(catalog.settings(platform),
                new ProbeContext(clock, http, inbox, "CWBALANCE", null));
        if (answer instanceof BalanceAnswer.Failed failed) {
            log.warn("{}: balance not read: {}", id, failed.evidence());
            return new Check(null, List.of(), failed.evidence());
        }
        BigDecimal balance = ((BalanceAnswer.Known) answer).balance().setScale(2, RoundingMode.HALF_UP);
        Instant now = clock.instant();
        Optional<LedgerRepository.Snapshot> last = ledger.snapshot(id);
        if (last.isEmpty()) {
            ledger.saveSnapshot(id, new LedgerRepository.Snapshot(balance, highWater, now));
            return new Check(balance, List.of(), null);
        }
        List<LedgerEntry> window = ledger.between(id, last.get().highWater(), highWater);
        BigDecimal expected = last.get().balance();
        for (LedgerEntry entry : window) {
            expected = expected.add(entry.balanceEffect());
        }
        BigDecimal difference = balance.subtract(expected);
        List<Finding> findings = new ArrayList<>();
        if (difference.signum() < 0 && unpricedRun != null) {
            BigDecimal amount = difference.negate();
            service.charge(id, unpricedRun, null, amount, "balance", "the order's answer was lost; its price is "
                    + "what the balance fell by");
            findings.add(new Finding(Kind.CHARGE_FROM_BALANCE, unpricedRun, amount, "balance fell by " + amount));
        } else if (difference.signum() < 0) {
            findings.add(lower(id, window, difference.negate(), expected, balance, highWater));
        } else if (difference.signum() > 0) {
            findings.add(higher(id, difference, expected, balance, highWater));
        }
        ledger.saveSnapshot(id, new LedgerRepository.Snapshot(balance, ledger.highWater(id), now));
        return new Check(balance, List.copyOf(findings), null);
    }

    private Finding lower(String id, List<LedgerEntry> window, BigDecimal fell, BigDecimal expected,
            BigDecimal balance, long highWater) {
        for (LedgerEntry entry : window) {
            if (entry.kind().equals(LedgerEntry.CHARGE) && entry.runId() != null
                    && entry.amount().compareTo(fell) == 0) {
                String evidence = "the balance fell by " + fell + " twice for order " + entry.platformOrderNo()
                        + " (expected " + expected + ", read " + balance + ")";
                service.duplicate(entry, fell, evidence);
                log.warn("{}: duplicate charge: {}", id, evidence);
                return new Finding(Kind.DUPLICATE_CHARGE, entry.runId(), fell, evidence);
            }
        }
        return unexplained(id, fell.negate(), expected, balance, highWater);
    }

    private Finding higher(String id, BigDecimal rose, BigDecimal expected, BigDecimal balance, long highWater) {
        List<Map.Entry<Long, String>> awaiting = jdbc.sql("select id, platform_order_no from probe_run "
                        + "where platform_id = ? and refund_outcome = 'pending' order by id")
                .params(id).query((rs, n) -> Map.entry(rs.getLong(1), String.valueOf(rs.getString(2)))).list();
        Map.Entry<Long, String> chosen = null;
        for (Map.Entry<Long, String> run : awaiting) {
            BigDecimal outstanding = service.charged(run.getKey()).subtract(service.refunded(run.getKey()));
            if (outstanding.compareTo(rose) == 0) {
                chosen = run;
                break;
            }
            if (chosen == null && outstanding.compareTo(rose) > 0) {
                chosen = run;
            }
        }
        if (chosen == null) {
            return unexplained(id, rose, expected, balance, highWater);
        }
        String evidence = "the balance rose by " + rose + " for order " + chosen.getValue();
        service.refund(id, chosen.getKey(), chosen.getValue(), rose, evidence);
        return new Finding(Kind.REFUND, chosen.getKey(), rose, evidence);
    }

    private Finding unexplained(String id, BigDecimal difference, BigDecimal expected, BigDecimal balance,
            long highWater) {
        String evidence = "balance " + balance + " where the ledger expects " + expected + " (" + difference
                + ")";
        service.unexplained(id, difference, highWater, evidence);
        log.warn("{}: unexplained balance change: {}", id, evidence);
        return new Finding(Kind.UNEXPLAINED, null, difference, evidence);
    }
}
