package cardwatch.probes;

import cardwatch.probes.purchase.PurchaseSpec;
import java.net.URI;
import java.util.Objects;

/**
 * What a probe knows about a platform: validated configuration with its secrets resolved.
 *
 * @param id           config id, the metric label
 * @param baseUrl      the API base URL
 * @param protocol     adapter name, e.g. {@code yrapi}
 * @param merchantId   our merchant / user id at the platform
 * @param credentials  resolved secrets by credential name
 * @param purchase     what to buy and the deadlines; {@code null} for platforms not purchase-probed
 * @param payer        how a storefront's orders are paid; {@code null} for protocols that pay by themselves
 * @param options      protocol options by name (e.g. a generic adapter's steps), empty when none
 */
public record PlatformSettings(String id, URI baseUrl, String protocol, String merchantId, Credentials credentials,
        PurchaseSpec purchase, PayerSettings payer, java.util.Map<String, Object> options) {

    public PlatformSettings(String id, URI baseUrl, String protocol, String merchantId, Credentials credentials,
            PurchaseSpec purchase) {
        this(id, baseUrl, protocol, merchantId, credentials, purchase, null, java.util.Map.of());
    }

    public PlatformSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(credentials, "credentials");
        options = options == null ? java.util.Map.of() : options;
    }

    /** An endpoint below the base URL. */
    public URI endpoint(String relative) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + relative : base + "/" + relative);
    }
}
