package cardwatch.monitor.budget;

import cardwatch.monitor.api.OpenApiConfiguration;
import cardwatch.monitor.platform.PlatformCatalog;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/budget}: today's caps, use and what is left, global and per platform. */
@RestController
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
class BudgetController {

    private final PlatformCatalog catalog;
    private final BudgetService budgets;
    private final Clock clock;

    BudgetController(PlatformCatalog catalog, BudgetService budgets, Clock clock) {
        this.catalog = catalog;
        this.budgets = budgets;
        this.clock = clock;
    }

    record Scope(String platform, BigDecimal cap, BigDecimal used, BigDecimal remaining) {
    }

    record Budgets(LocalDate day, Scope global, List<Scope> platforms) {
    }

    @GetMapping("/api/v1/budget")
    Budgets budget() {
        List<Scope> platforms = catalog.all().stream().map(p -> new Scope(p.id(), p.dailyBudget(),
                budgets.usedToday(p), budgets.remaining(p))).toList();
        return new Budgets(budgets.day(clock.instant()), new Scope(null, budgets.globalCap(),
                budgets.globalUsedToday(), budgets.globalRemaining()), platforms);
    }
}
