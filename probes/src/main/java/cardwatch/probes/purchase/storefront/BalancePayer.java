package cardwatch.probes.purchase.storefront;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.BalanceAnswer;
import java.util.List;
import java.util.Optional;

/**
 * Pays from our account balance (余额) at the store: the store takes the money when it creates the order. The
 * credentials are the store's ({@link Storefront#balanceCredentials()}: our account's login there).
 */
public final class BalancePayer implements Payer {

    public static final String KIND = "balance";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> requiredCredentials() {
        return List.of();
    }

    @Override
    public boolean paysAtCreation() {
        return true;
    }

    @Override
    public Paid pay(PlatformSettings platform, ProbeContext context, Payment payment) {
        return new Paid.Refused("the store takes balance payments when it creates the order");
    }

    @Override
    public Optional<String> paidEvidence(PlatformSettings platform, ProbeContext context, Payment payment) {
        return Optional.empty();
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context, Storefront store)
            throws InterruptedException {
        if (!store.hasBalance()) {
            return new BalanceAnswer.Failed(Reason.CONFIG, store.name() + " keeps no account balance");
        }
        return store.balance(platform, context);
    }
}
