package cardwatch.monitor.budget;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import cardwatch.monitor.platform.PlatformMeters;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What is left of today's budgets, per platform and global. One scrape reads today's usage once: the budget's own
 * cache is emptied by every purchase, and 20,000 gauges each reading the table again made a scrape take minutes.
 */
@Component
class BudgetMeters implements PlatformMeters {

    private final PlatformCatalog catalog;
    private final BudgetService budgets;
    /** Today's usage by scope, read at most once a second. */
    private final LoadingCache<String, Map<String, BigDecimal>> usage;

    BudgetMeters(PlatformCatalog catalog, BudgetService budgets) {
        this.catalog = catalog;
        this.budgets = budgets;
        this.usage = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(1)).build(k -> budgets.usageToday());
    }

    private double remaining(Platform platform) {
        BigDecimal used = usage.get("today").getOrDefault(BudgetService.scope(platform.id()), BigDecimal.ZERO);
        return platform.dailyBudget().subtract(used).max(BigDecimal.ZERO).doubleValue();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("cardwatch.budget.global.remaining", budgets, b -> b.globalRemaining().doubleValue())
                .baseUnit("yuan").description("What is left of today's global purchase budget").register(registry);
        catalog.all().forEach(p -> bind(registry, p));
    }

    @Override
    public void bind(MeterRegistry registry, Platform platform) {
        if (Platform.MODE_PURCHASE.equals(platform.purchaseMode())) {
            Gauge.builder("cardwatch.budget.remaining", this, m -> m.remaining(platform))
                    .baseUnit("yuan").description("What is left of today's purchase budget for the platform")
                    .tag("platform", platform.id()).register(registry);
        }
    }
}
