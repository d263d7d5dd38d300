package cardwatch.probes.purchase.storefront;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.BalanceAnswer;
import java.util.List;
import java.util.Optional;

/**
 * Pays nothing. For storefronts a buyer can only pay by QR code through a gateway (独角数卡 with 彩虹易支付, say): the
 * run creates the order, follows its pay route to the gateway's page, checks that the page shows our order and the
 * amount the store asked, and leaves the order to expire. It proves the shop takes orders and hands them to a working
 * gateway at the right price; it proves nothing about delivery.
 */
public final class CheckoutPayer implements Payer {

    public static final String KIND = "checkout";

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
        return false;
    }

    @Override
    public boolean spendsMoney() {
        return false;
    }

    @Override
    public Paid pay(PlatformSettings platform, ProbeContext context, Payment payment) {
        return new Paid.Refused("a checkout never pays");
    }

    @Override
    public Optional<String> paidEvidence(PlatformSettings platform, ProbeContext context, Payment payment) {
        return Optional.empty();
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context, Storefront store) {
        return new BalanceAnswer.Failed(Reason.CONFIG, "a checkout spends nothing: there is no balance to read");
    }
}
