package cardwatch.monitor.platform;

import cardwatch.probes.PayerSettings;
import cardwatch.probes.purchase.PurchaseSpec;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated platform entry.
 *
 * @param id              slug, the metric label
 * @param nameZh          display name, Chinese
 * @param nameEn          display name, English
 * @param baseUrl         API base URL
 * @param protocol        purchase adapter
 * @param merchantId      our merchant id at the platform
 * @param credentialRefs  credential name to reference ({@code env:NAME} or {@code file:KEY}); never a secret
 * @param purchase        what to buy, deadlines
 * @param schedules       probe kind to schedule
 * @param dailyBudget     yuan this platform may spend per day
 * @param payer           how a storefront's orders are paid; null for protocols that pay by themselves
 * @param options         protocol options (a generic adapter's steps); empty when none
 */
public record Platform(String id, String nameZh, String nameEn, URI baseUrl, String protocol, String merchantId,
        Map<String, String> credentialRefs, PurchaseSpec purchase, Map<String, Schedule> schedules,
        BigDecimal dailyBudget, PayerSettings payer, Map<String, Object> options) {

    public Platform(String id, String nameZh, String nameEn, URI baseUrl, String protocol, String merchantId,
            Map<String, String> credentialRefs, PurchaseSpec purchase, Map<String, Schedule> schedules,
            BigDecimal dailyBudget) {
        this(id, nameZh, nameEn, baseUrl, protocol, merchantId, credentialRefs, purchase, schedules, dailyBudget,
                null, Map.of());
    }

    /** The option an entry's {@code critical: true} sets: the platform's outages page (see {@link #critical()}). */
    public static final String CRITICAL = "critical";

    /**
     * Whether the operator opted the platform in as critical: its incidents are {@code critical} in the alert hooks
     * and it exports {@code cardwatch_platform_critical 1}, which the one per-platform page
     * (CardwatchCriticalPlatformDown) needs. Every other platform's trouble is a warning.
     */
    public boolean critical() {
        return Boolean.TRUE.equals(options.get(CRITICAL));
    }

    /** A platform whose purchase runs pay real money. */
    public static final String MODE_PURCHASE = "purchase";
    /** A platform whose purchase runs only check the checkout and pay nothing (payer {@code checkout}). */
    public static final String MODE_CHECKOUT = "checkout";

    /** The names as the API shows them, Chinese first: always in this order, so that answers compare as text. */
    public java.util.Map<String, String> names() {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("zh", nameZh);
        names.put("en", nameEn);
        return java.util.Collections.unmodifiableMap(names);
    }

    /**
     * How the platform's purchase runs measure it: {@link #MODE_PURCHASE} (real test purchases: money, delivery,
     * refunds), {@link #MODE_CHECKOUT} (the order and the gateway's page only) or null (no purchase runs).
     */
    public String purchaseMode() {
        return purchaseMode(purchase, payer);
    }

    /** {@link #purchaseMode()} of a platform with this purchase and payer, before the platform is built. */
    static String purchaseMode(PurchaseSpec purchase, PayerSettings payer) {
        if (purchase == null) {
            return null;
        }
        return payer != null && cardwatch.probes.purchase.storefront.CheckoutPayer.KIND.equals(payer.kind())
                ? MODE_CHECKOUT : MODE_PURCHASE;
    }

    /**
     * The platform's own hosts, as {@code host:port}: its base URL, its storefront and API URLs and the pages its ICP
     * footer is read from; never a payment gateway it may share with other platforms.
     */
    public java.util.Set<String> ownAuthorities() {
        java.util.Set<URI> urls = new java.util.LinkedHashSet<>();
        urls.add(baseUrl);
        if (options.get(cardwatch.probes.availability.AvailabilitySpec.OPTION)
                instanceof cardwatch.probes.availability.AvailabilitySpec availability) {
            urls.addAll(availability.urls());
        }
        if (options.get(cardwatch.probes.icp.IcpSpec.OPTION) instanceof cardwatch.probes.icp.IcpSpec icp) {
            urls.addAll(icp.pages());
        }
        java.util.Set<String> authorities = new java.util.LinkedHashSet<>();
        for (URI url : urls) {
            String authority = cardwatch.probes.http.Contacts.authority(url);
            if (authority != null) {
                authorities.add(authority);
            }
        }
        return java.util.Set.copyOf(authorities);
    }

    /**
     * The domains a buyer knows the platform by, lower case and without {@code www.}: its ICP filing's domain, the
     * hosts of its base URL, storefront and API URLs and footer pages, and its own domains from the availability
     * block. Addresses (IP literals) and {@code localhost} are no domains and are left out.
     */
    public List<String> domains() {
        java.util.Set<String> domains = new java.util.LinkedHashSet<>();
        if (options.get(cardwatch.probes.icp.IcpSpec.OPTION) instanceof cardwatch.probes.icp.IcpSpec icp) {
            addDomain(domains, icp.domain());
            icp.pages().forEach(page -> addDomain(domains, page.getHost()));
        }
        addDomain(domains, baseUrl.getHost());
        if (options.get(cardwatch.probes.availability.AvailabilitySpec.OPTION)
                instanceof cardwatch.probes.availability.AvailabilitySpec availability) {
            availability.urls().forEach(url -> addDomain(domains, url.getHost()));
            if (availability.domains() != null) {
                availability.domains().forEach(domain -> addDomain(domains, domain));
            }
        }
        return List.copyOf(domains);
    }

    private static void addDomain(java.util.Set<String> domains, String host) {
        String domain = Domains.of(host);
        if (domain != null) {
            domains.add(domain);
        }
    }

    /** The maintenance window that covers {@code at}, if any. */
    public Optional<MaintenanceWindow> maintenanceAt(Instant at) {
        if (!(options.get(MaintenanceWindow.OPTION) instanceof List<?> windows)) {
            return Optional.empty();
        }
        return windows.stream().map(MaintenanceWindow.class::cast).filter(w -> w.covers(at)).findFirst();
    }
}
