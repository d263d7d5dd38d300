package cardwatch.monitor.ledger;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import cardwatch.monitor.platform.PlatformMeters;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Component;

/** Money meters: spend, refunds, refund latency and outcome, ledger discrepancies. */
@Component
public class LedgerMeters implements PlatformMeters {

    public static final String DUPLICATE_CHARGE = "duplicate_charge";
    public static final String UNEXPLAINED = "unexplained_balance_change";
    public static final String REFUNDED = "refunded";
    public static final String NOT_REFUNDED = "not_refunded";

    private static final Duration[] REFUND_BUCKETS = {Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
        Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofHours(24), Duration.ofHours(48)};

    private final PlatformCatalog catalog;
    private volatile MeterRegistry registry;

    LedgerMeters(PlatformCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        refundTime();
        catalog.all().forEach(p -> bind(registry, p));
    }

    @Override
    public void bind(MeterRegistry registry, Platform platform) {
        if (!Platform.MODE_PURCHASE.equals(platform.purchaseMode())) {
            return;
        }
        // from the start, at 0: the money alerts fire on the first one
        spent(platform.id());
        refunds(platform.id(), NOT_REFUNDED);
        for (String kind : List.of(DUPLICATE_CHARGE, UNEXPLAINED)) {
            discrepancies(platform.id(), kind);
        }
    }

    void charged(String platform, BigDecimal amount) {
        spent(platform).increment(amount.doubleValue());
    }

    void refundedAmount(String platform, BigDecimal amount) {
        refunded(platform).increment(amount.doubleValue());
    }

    void discrepancy(String platform, String kind) {
        discrepancies(platform, kind).increment();
    }

    public void refundOutcome(String platform, String outcome, Duration latency) {
        refunds(platform, outcome).increment();
        if (latency != null) {
            refundTime().record(latency);
        }
    }

    private Counter spent(String platform) {
        return Counter.builder("cardwatch.purchase.spent").baseUnit("yuan")
                .description("Money charged by the platform for test purchases, duplicate charges included")
                .tag("platform", platform).register(registry);
    }

    private Counter refunded(String platform) {
        return Counter.builder("cardwatch.purchase.refunded").baseUnit("yuan")
                .description("Money the platform returned for failed purchases").tag("platform", platform)
                .register(registry);
    }

    private Counter refunds(String platform, String outcome) {
        return Counter.builder("cardwatch.refunds").description("Failed paid orders by refund outcome")
                .tags("platform", platform, "outcome", outcome).register(registry);
    }

    private Timer refundTime() {
        return Timer.builder("cardwatch.refund").description("Failed paid order ended to money back, all platforms "
                + "(a platform's own refund times are on its page and in the API)")
                .serviceLevelObjectives(REFUND_BUCKETS).register(registry);
    }

    private Counter discrepancies(String platform, String kind) {
        return Counter.builder("cardwatch.ledger.discrepancies")
                .description("Balance changes that the ledger did not expect: duplicate_charge, "
                        + "unexplained_balance_change")
                .tags("platform", platform, "kind", kind).register(registry);
    }
}
