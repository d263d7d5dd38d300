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

    /** The maintenance window that covers {@code at}, if any. */
    public Optional<MaintenanceWindow> maintenanceAt(Instant at) {
        if (!(options.get(MaintenanceWindow.OPTION) instanceof List<?> windows)) {
            return Optional.empty();
        }
        return windows.stream().map(MaintenanceWindow.class::cast).filter(w -> w.covers(at)).findFirst();
    }
}
