package cardwatch.probes;

import cardwatch.probes.availability.AvailabilityProbe;
import cardwatch.probes.icp.IcpProbe;
import cardwatch.probes.reviews.ComplaintClassifier;
import cardwatch.probes.reviews.ReviewsProbe;
import cardwatch.probes.purchase.PurchaseProbe;
import cardwatch.probes.purchase.PurchaseProtocol;
import cardwatch.probes.purchase.acgfaka.AcgFakaStorefront;
import cardwatch.probes.purchase.dujiaoka.DujiaokaStorefront;
import cardwatch.probes.purchase.generic.GenericStorefront;
import cardwatch.probes.purchase.storefront.BalancePayer;
import cardwatch.probes.purchase.storefront.CheckoutPayer;
import cardwatch.probes.purchase.storefront.Payer;
import cardwatch.probes.purchase.storefront.StorefrontProtocol;
import cardwatch.probes.purchase.sup.SupProtocol;
import cardwatch.probes.purchase.yrapi.YrapiProtocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The set of probes and purchase protocols: plain maps from name to implementation. */
public final class Probes {

    private Probes() {
    }

    /** Purchase protocols (adapters) by the name used in {@code platforms.yml}. */
    public static Map<String, PurchaseProtocol> protocols() {
        return protocols(List.of());
    }

    /**
     * The same, storefronts also paid by {@code extraPayers}: a deployment's own programmatic payment, or a test's
     * double. Cardwatch's own payers are {@code balance} and {@code checkout}.
     */
    public static Map<String, PurchaseProtocol> protocols(List<Payer> extraPayers) {
        Map<String, PurchaseProtocol> protocols = new LinkedHashMap<>();
        List<Payer> payers = new java.util.ArrayList<>(List.of(new BalancePayer(), new CheckoutPayer()));
        payers.addAll(extraPayers);
        for (PurchaseProtocol protocol : List.<PurchaseProtocol>of(new YrapiProtocol(), new SupProtocol(),
                new StorefrontProtocol(new AcgFakaStorefront(), payers),
                new StorefrontProtocol(new DujiaokaStorefront(), payers),
                new StorefrontProtocol(new GenericStorefront(), payers))) {
            protocols.put(protocol.name(), protocol);
        }
        return Map.copyOf(protocols);
    }

    /** Probes by kind. */
    public static Map<String, Probe> standard(Map<String, PurchaseProtocol> protocols) {
        Probe purchase = new PurchaseProbe(protocols);
        Probe availability = new AvailabilityProbe();
        Probe icp = new IcpProbe();
        Probe reviews = new ReviewsProbe(ComplaintClassifier.standard());
        return Map.of(purchase.kind(), purchase, availability.kind(), availability, icp.kind(), icp, reviews.kind(),
                reviews);
    }
}
