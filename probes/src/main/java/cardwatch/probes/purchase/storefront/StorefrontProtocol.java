package cardwatch.probes.purchase.storefront;

import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.Reason;
import cardwatch.probes.purchase.BalanceAnswer;
import cardwatch.probes.purchase.Notify;
import cardwatch.probes.purchase.OrderStatus;
import cardwatch.probes.purchase.PurchaseProtocol;
import cardwatch.probes.purchase.QueryAnswer;
import cardwatch.probes.purchase.RefusalClassifier;
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
 * <p>
 * An order paid through a gateway is first followed along its pay route to the gateway's page ({@link
 * GatewayCheckout}): the page must name our order and ask the amount the store asked. With the {@code checkout} payer
 * the run ends there, paying nothing ({@link SubmitAnswer.CheckedOut}); a paying payer then pays the trade the page
 * showed. An amount that cannot be read is never paid: the price cap is never skipped.
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
            if (payer.paysAtCreation()) {
                names.addAll(store.balanceCredentials());
            }
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
    public boolean spendsMoney(PlatformSettings platform) {
        Payer payer = payer(platform);
        return payer == null || payer.spendsMoney();
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
            return new SubmitAnswer.Unknown(unknown.reason(), unknown.evidence(),
                    unknown.maybeArrived() && payer.spendsMoney());
        }
        Storefront.Created.Order placed = (Storefront.Created.Order) created;
        StoreOrder order = placed.order();
        Payment payment = order.payment();
        if (placed.paid()) {
            return new SubmitAnswer.Accepted(order.orderNo(), payment.amount(), "paid from our balance at the store",
                    order.status());
        }
        if (payment.amount() == null) {
            return new SubmitAnswer.Unknown(Reason.PROTOCOL_ERROR, "the store shows no amount for order "
                    + order.orderNo() + ": it is left unpaid, as the price cap cannot be checked", false);
        }
        if (payment.amount().compareTo(platform.purchase().priceCap()) > 0) {
            return new SubmitAnswer.Refused("the store asks " + payment.amount() + " yuan, above our 最高成本 (price cap) "
                    + platform.purchase().priceCap() + "; order " + order.orderNo() + " left unpaid");
        }
        if (platform.payer().gateway() == null) {
            return new SubmitAnswer.Unknown(Reason.CONFIG, "payer.gateway is not set: the checkout may visit no host "
                    + "but the store's", false);
        }
        GatewayCheckout.Outcome outcome = store.checkout(platform, context, order);
        String ours = " (order " + order.orderNo() + ")";
        if (outcome instanceof GatewayCheckout.Outcome.Failed failed) {
            return new SubmitAnswer.Unknown(failed.reason(), failed.evidence() + ours, false);
        }
        if (outcome instanceof GatewayCheckout.Outcome.Refused refused) {
            return refused.byGateway() ? gatewayRefusal(refused.message(), ours)
                    : new SubmitAnswer.Refused(refused.message());
        }
        if (outcome instanceof GatewayCheckout.Outcome.HandedOn handed) {
            if (handed.handedAmount() != null && handed.handedAmount().compareTo(payment.amount()) != 0) {
                return new SubmitAnswer.Unknown(Reason.PAYMENT_FAILED, "the store hands the gateway "
                        + handed.handedAmount() + " yuan for a bill of " + payment.amount() + ours, false);
            }
            if (payer.spendsMoney()) {
                return new SubmitAnswer.Unknown(Reason.CONFIG, "the gateway hands buyers on to " + handed.host()
                        + ", where no payer of ours can pay" + ours, false);
            }
            return new SubmitAnswer.CheckedOut(order.orderNo(), payment.amount(), "checkout only, nothing paid: order "
                    + order.orderNo() + " asks " + payment.amount() + " yuan; the gateway took it"
                    + (handed.handedAmount() == null ? "" : " for " + handed.handedAmount() + " yuan")
                    + " and hands buyers on to " + handed.host() + " to pay; left unpaid to expire");
        }
        GatewayCheckout.Outcome.Shown shown = (GatewayCheckout.Outcome.Shown) outcome;
        if (shown.amount().compareTo(payment.amount()) != 0) {
            return new SubmitAnswer.Unknown(Reason.PAYMENT_FAILED, "the gateway's page asks " + shown.amount()
                    + " yuan for the store's bill of " + payment.amount() + ours + " at " + shown.where(), false);
        }
        if (!shown.named()) {
            return new SubmitAnswer.Unknown(Reason.PAYMENT_FAILED, "the gateway's page at " + shown.where()
                    + " does not show our order" + ours, false);
        }
        String trade = shown.tradeNo().isEmpty() ? "" : " (trade " + shown.tradeNo() + ")";
        if (!payer.spendsMoney()) {
            return new SubmitAnswer.CheckedOut(order.orderNo(), payment.amount(), "checkout only, nothing paid: order "
                    + order.orderNo() + " asks " + payment.amount() + " yuan, and the gateway's page "
                    + shown.where().getHost() + trade + " shows it for " + shown.amount()
                    + " yuan; left unpaid to expire");
        }
        payment = payment.withTradeNo(shown.tradeNo());
        Payer.Paid paid = payer.pay(platform, context, payment);
        if (paid instanceof Payer.Paid.Refused refused) {
            return new SubmitAnswer.Refused(refused.message());
        }
        if (paid instanceof Payer.Paid.Unknown unknown) {
            return new SubmitAnswer.Unknown(unknown.reason(), unknown.evidence() + ours, true);
        }
        Payer.Receipt receipt = ((Payer.Paid.Done) paid).receipt();
        return new SubmitAnswer.Accepted(order.orderNo(), receipt.amount(), "the payer's receipt: " + receipt);
    }

    /**
     * The gateway refused the store's trade: between the store and its gateway, so never our error. Risk control
     * stays risk_rejected; a bad signature or a merchant the gateway does not know is the store's broken payment.
     */
    private static SubmitAnswer gatewayRefusal(String message, String ours) {
        Reason reason = RefusalClassifier.classify(message);
        if (reason.outcome() == cardwatch.probes.Outcome.ERROR) {
            reason = Reason.PAYMENT_FAILED;
        }
        return new SubmitAnswer.Unknown(reason, "the store's gateway refuses its trade: " + message + ours, false);
    }

    @Override
    public QueryAnswer query(PlatformSettings platform, ProbeContext context) throws InterruptedException {
        Storefront.Lookup lookup = store.find(platform, context);
        if (lookup instanceof Storefront.Lookup.Deferred deferred) {
            return new QueryAnswer.Deferred(deferred.why());
        }
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
