package cardwatch.monitor.ledger;

import java.math.BigDecimal;
import java.time.Clock;
import org.springframework.stereotype.Service;

/** Writes money facts into the ledger, once each, and counts them in the money meters. */
@Service
public class LedgerService {

    private final LedgerRepository ledger;
    private final LedgerMeters meters;
    private final Clock clock;

    LedgerService(LedgerRepository ledger, LedgerMeters meters, Clock clock) {
        this.ledger = ledger;
        this.meters = meters;
        this.clock = clock;
    }

    /** The platform took {@code amount} for run {@code runId}'s order. Written once per run. */
    public boolean charge(String platform, long runId, String platformOrderNo, BigDecimal amount, String source,
            String note) {
        boolean written = ledger.append("charge:" + runId, platform, runId, LedgerEntry.CHARGE, amount,
                platformOrderNo, source, clock.instant(), note);
        if (written) {
            meters.charged(platform, amount);
        }
        return written;
    }

    /** A second deduction for the charge {@code original}. */
    boolean duplicate(LedgerEntry original, BigDecimal amount, String note) {
        boolean written = ledger.append("duplicate:" + original.entryKey(), original.platform(), original.runId(),
                LedgerEntry.CHARGE, amount, original.platformOrderNo(), "balance", clock.instant(), note);
        if (written) {
            meters.charged(original.platform(), amount);
            meters.discrepancy(original.platform(), LedgerMeters.DUPLICATE_CHARGE);
        }
        return written;
    }

    boolean refund(String platform, long runId, String platformOrderNo, BigDecimal amount, String note) {
        long n = ledger.count(runId, LedgerEntry.REFUND) + 1;
        boolean written = ledger.append("refund:" + runId + ":" + n, platform, runId, LedgerEntry.REFUND, amount,
                platformOrderNo, "balance", clock.instant(), note);
        if (written) {
            meters.refundedAmount(platform, amount);
        }
        return written;
    }

    boolean unexplained(String platform, BigDecimal difference, long highWater, String note) {
        boolean written = ledger.append("adjustment:" + platform + ":" + highWater + ":" + clock.millis(), platform,
                null, LedgerEntry.ADJUSTMENT, difference, null, "balance", clock.instant(), note);
        if (written) {
            meters.discrepancy(platform, LedgerMeters.UNEXPLAINED);
        }
        return written;
    }

    public BigDecimal charged(long runId) {
        return ledger.total(runId, LedgerEntry.CHARGE);
    }

    public BigDecimal refunded(long runId) {
        return ledger.total(runId, LedgerEntry.REFUND);
    }

    public long charges(long runId) {
        return ledger.count(runId, LedgerEntry.CHARGE);
    }
}
