package cardwatch.monitor.budget;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** What is left of today's budgets, per platform and global, read from the database (cached a few seconds). */
@Component
class BudgetMeters implements MeterBinder {

    private final PlatformCatalog catalog;
    private final BudgetService budgets;

    BudgetMeters(PlatformCatalog catalog, BudgetService budgets) {
        this.catalog = catalog;
        this.budgets = budgets;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("cardwatch.budget.global.remaining", budgets, b -> b.globalRemaining().doubleValue())
                .baseUnit("yuan").description("What is left of today's global purchase budget").register(registry);
        for (Platform platform : catalog.all()) {
            if (!Platform.MODE_PURCHASE.equals(platform.purchaseMode())) {
                continue;
            }
            Gauge.builder("cardwatch.budget.remaining", budgets, b -> b.remaining(platform).doubleValue())
                    .baseUnit("yuan").description("What is left of today's purchase budget for the platform")
                    .tag("platform", platform.id()).register(registry);
        }
    }
}
