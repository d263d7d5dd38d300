package cardwatch.monitor.budget;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.CardwatchProperties;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Warns, at start and whenever the platforms change, when the daily budgets of the platforms that pay add up to more
 * than the global one: the global budget then runs out first every day, test purchases stop on every platform until
 * the day turns, and CardwatchGlobalBudgetExhausted pages. The demo is left out: its money is simulated and every one
 * of its caps is the same figure.
 */
@Component
class BudgetSizing {

    private static final Logger log = LoggerFactory.getLogger(BudgetSizing.class);

    BudgetSizing(PlatformCatalog catalog, BudgetService budgets, CardwatchProperties properties) {
        if (properties.platformsFile().isBlank()) {
            return;
        }
        Runnable check = () -> problem(catalog.all(), budgets.globalCap()).ifPresent(log::warn);
        check.run();
        catalog.listen(change -> check.run());
    }

    /** What is wrong with the budgets of {@code platforms} under {@code global}; empty when they fit. */
    static Optional<String> problem(Collection<Platform> platforms, BigDecimal global) {
        BigDecimal sum = platforms.stream().filter(p -> Platform.MODE_PURCHASE.equals(p.purchaseMode()))
                .map(Platform::dailyBudget).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (sum.compareTo(global) <= 0) {
            return Optional.empty();
        }
        return Optional.of("the daily budgets of the platforms that pay add up to " + yuan(sum) + " yuan, above "
                + "cardwatch.budget.daily-global (" + yuan(global) + " yuan): the global budget will run out first "
                + "on busy days, test purchases then stop on every platform until the day turns, and "
                + "CardwatchGlobalBudgetExhausted pages. Raise cardwatch.budget.daily-global or lower the platforms' "
                + "budget.daily");
    }

    private static String yuan(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
