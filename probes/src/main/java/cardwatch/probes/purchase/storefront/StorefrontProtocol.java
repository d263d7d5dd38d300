package cardwatch.probes.purchase.storefront;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.PurchaseProtocol;
import cardwatch.probes.purchase.QueryAnswer;
import cardwatch.probes.purchase.SubmitAnswer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A purchase from a storefront paid by a payer, through the same exactly-once path as every protocol: "submit" is
 * create-then-pay, and the order counts as taken (money left us) once the payer's receipt is in. The status comes
 * from the store; when the store still says unpaid, the payer is asked whether the payment went through, which is
 * what tells 回调失败 (callback_lost) from an order simply not paid.
 */
public final class StorefrontProtocol implements PurchaseProtocol {

    private final Storefront store;
    private final Map<String, Payer> payers;

    public StorefrontProtocol(Storefront store, List<Payer> payers) {
        this.store = store;
        Map<String, Payer> byKind = new LinkedHashMap<>();
        for (Payer payer : payers) {
            if (!payer.paysAtCreation() || store.hasBalance()) {
                byKind.put(payer.kind(), payer);
            }
        }
        this.payers = Map.copyOf(byKind);
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public List<String> requiredCredentials() {
        return store.requiredCredentials();
    }

    @Override
    public List<String> requiredCredentials(String payerKind) {
        List<String> names = new ArrayList<>(store.requiredCredentials());
        Payer payer = payerKind == null ? null : payers.get(payerKind);
        if (payer != null) {
            names.addAll(payer.requiredCredentials());
        }
        return names;
    }

    @Override
    public Map<String, String> checkOptions(Map<String, Object> options) {
        return store.checkOptions(options);
    }

    @Override
    public Set<String> payerKinds() {
        return payers.keySet();
    }

    @Override
    public String notifyAcknowledgement() {
        return "success";
    }

    @Override
    public SubmitAnswer submit(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        Payer payer = payer(platform);
        if (payer == null) {
            return new SubmitAnswer.Unknown(Reason.CONFIG, "no payer '" + payerKind(platform) + "' for "
                    + store.name(), false);
        }
        Storefront.Created created = store.create(platform, context, payer.paysAtCreation());
        if (created instanceof Storefront.Created.Refused refused) {
            return new SubmitAnswer.Refused(refused.message());
        }
        if (created instanceof Storefront.Created.Unknown unknown) {
            return new SubmitAnswer.Unknown(unknown.reason(), unknown.evidence(), unknown.maybeArrived());
        }
        StoreOrder order = ((Storefront.Created.Order) created).order();
        Payment payment = order.payment();
        if (payment.amount() != null && payment.amount().compareTo(platform.purchase().priceCap()) > 0) {
            return new SubmitAnswer.Refused("the store asks " + payment.amount() + " yuan, above our 最高成本 (price cap) "
                    + platform.purchase().priceCap() + "; order " + order.orderNo() + " left unpaid");
        }
        if (((Storefront.Created.Order) created).paid()) {
            return new SubmitAnswer.Accepted(order.orderNo(), payment.amount(), "paid from our balance at the store");
        }
        Payer.Paid paid = payer.pay(platform, context, payment);
        if (paid instanceof Payer.Paid.Refused refused) {
            return new SubmitAnswer.Refused(refused.message());
        }
        if (paid instanceof Payer.Paid.Unknown unknown) {
            return new SubmitAnswer.Unknown(unknown.reason(), unknown.evidence() + " (order " + order.orderNo() + ")",
                    true);
        }
        Payer.Receipt receipt = ((Payer.Paid.Done) paid).receipt();
        return new SubmitAnswer.Accepted(order.orderNo(), receipt.amount(), "the payer's receipt: " + receipt);
    }

    @Override
    public QueryAnswer query(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        Storefront.Lookup lookup = store.find(platform, context);
        if (lookup instanceof Storefront.Lookup.NotFound notFound) {
            return new QueryAnswer.NotFound(notFound.text());
        }
        if (lookup instanceof Storefront.Lookup.Failed failed) {
            return new QueryAnswer.Failed(failed.reason(), failed.evidence());
        }
        StoreOrder order = ((Storefront.Lookup.Found) lookup).order();
        OrderStatus status = order.status();
        OrderStatus.State state = status.state();
        Payer payer = payer(platform);
        if ((state == OrderStatus.State.UNPAID || state == OrderStatus.State.EXPIRED) && payer != null) {
            Optional<String> paid = payer.paidEvidence(platform, context, order.payment());
            if (paid.isPresent()) {
                status = status.withPaidEvidence(paid.get());
            }
        }
        return new QueryAnswer.Found(status);
    }

    @Override
    public BalanceAnswer balance(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        Payer payer = payer(platform);
        return payer == null ? new BalanceAnswer.Failed(Reason.CONFIG, "no payer") : payer.balance(platform, context,
                store);
    }

    @Override
    public boolean notifies() {
        return false;
    }

    /** Storefront purchases are not notified to us: the store hears from the gateway. */
    @Override
    public Notify parseNotify(PlatformSettings platform, Map<String, String> form) {
        return null;
    }

    private Payer payer(PlatformSettings platform) {
        String kind = payerKind(platform);
        return kind == null ? null : payers.get(kind);
    }

    private static String payerKind(PlatformSettings platform) {
        return platform.payer() == null ? null : platform.payer().kind();
    }
}
