package cardwatch.probes.purchase.storefront;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.BalanceAnswer;
import java.util.List;

/**
 * A storefront (独角数卡, 异次元, a generic one): it creates the order, reads its status and its delivery. Paying
 * is a {@link Payer}'s job. Our order is known to the store by something derived from the client order id (its
 * idempotency key, or the contact we give), so it can always be found again, even after a crash.
 */
public interface Storefront {

    String name();

    /** Credentials the store itself needs (beyond the payer's); none unless it says so. */
    default List<String> requiredCredentials() {
        return List.of();
    }

    /** Whether orders can be paid from our account balance at the store; it cannot unless it says so. */
    default boolean hasBalance() {
        return false;
    }

    /** Credentials paying from our balance at the store needs (our account's login); none unless it says so. */
    default List<String> balanceCredentials() {
        return List.of();
    }

    /**
     * Follows an unpaid order's pay route to the gateway's page (see {@link GatewayCheckout}) and pays nothing. Stores
     * with a session or error pages of their own say so.
     */
    default GatewayCheckout.Outcome checkout(PlatformSettings platform, ProbeContext context, StoreOrder order)
            throws InterruptedException {
        return GatewayCheckout.follow(context.http(), platform.baseUrl(), platform.payer().gateway(), order, null);
    }

    /**
     * Creates our order; pays it from our account balance when {@code fromBalance}. An unpaid order carries its pay
     * route ({@link Payment#payUrl()}) and the amount the store asks: without the amount the price cap cannot be
     * checked, and the order is never paid.
     */
    Created create(PlatformSettings platform, ProbeContext context, boolean fromBalance) throws InterruptedException;

    /** Finds our order by its client order id. */
    Lookup find(PlatformSettings platform, ProbeContext context) throws InterruptedException;

    /** Checks the store's own options in a platform entry; problems by field path. */
    default java.util.Map<String, String> checkOptions(java.util.Map<String, Object> options) {
        return java.util.Map.of();
    }

    /** Our account balance at the store. */
    BalanceAnswer balance(PlatformSettings platform, ProbeContext context) throws InterruptedException;

    /** The contact a store is given for our order: unique per run, so it finds the order again. */
    static String contact(ProbeContext context) {
        return context.clientOrderId().toLowerCase() + "@cardwatch.invalid";
    }

    /** What creating an order came to. */
    sealed interface Created {
        /** The store has it; {@code paid} when it was paid from our balance in the same step. */
        record Order(StoreOrder order, boolean paid) implements Created {
        }

        record Refused(String message) implements Created {
        }

        /** No usable answer: the order may exist. */
        record Unknown(Reason reason, String evidence, boolean maybeArrived) implements Created {
        }
    }

    /** What looking our order up came to. */
    sealed interface Lookup {
        record Found(StoreOrder order) implements Lookup {
        }

        record NotFound(String text) implements Lookup {
        }

        /** Not asked now: the store's rate limit for lookups is spent for the moment. */
        record Deferred(String why) implements Lookup {
        }

        record Failed(Reason reason, String evidence) implements Lookup {
        }
    }
}
