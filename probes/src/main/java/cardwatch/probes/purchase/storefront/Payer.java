package cardwatch.probes.purchase.storefront;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.BalanceAnswer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Pays a storefront order and returns a receipt. Cardwatch ships two: {@link BalancePayer} (the store takes our
 * account balance when it creates the order) and {@link CheckoutPayer} (nothing is paid: the checkout is followed to
 * the gateway's page). A deployment with another programmatic payment plugs it in as one class behind this interface;
 * a payer that pays a gateway trade is handed the trade read off the gateway's page.
 */
public interface Payer {

    /** The kind, as written in {@code payer.kind}. */
    String kind();

    List<String> requiredCredentials();

    /** Whether the store takes the money itself when the order is created (our balance at the store). */
    boolean paysAtCreation();

    /**
     * Whether this payer spends money at all. One that does not ({@link CheckoutPayer}) stops at the gateway's page:
     * the run checks the checkout and never claims a delivery.
     */
    default boolean spendsMoney() {
        return true;
    }

    Paid pay(PlatformSettings platform, ProbeContext context, Payment payment) throws InterruptedException;

    /** The payment side's own word that {@code payment} is paid (e.g. the gateway's status 1 已支付), if it says so. */
    Optional<String> paidEvidence(PlatformSettings platform, ProbeContext context, Payment payment)
            throws InterruptedException;

    /** The balance our money comes from: what the ledger is reconciled against. */
    BalanceAnswer balance(PlatformSettings platform, ProbeContext context, Storefront store)
            throws InterruptedException;

    /** A payment's receipt. */
    record Receipt(String tradeNo, BigDecimal amount, Instant paidAt) {

        @Override
        public String toString() {
            return "trade " + tradeNo + " paid " + amount + " at " + paidAt;
        }
    }

    /** What paying came to. */
    sealed interface Paid {
        record Done(Receipt receipt) implements Paid {
        }

        record Refused(String message) implements Paid {
        }

        record Unknown(Reason reason, String evidence) implements Paid {
        }
    }
}
