package cardwatch.monitor.budget;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformConfigLoader;
import cardwatch.monitor.platform.Schedule;
import cardwatch.probes.purchase.PurchaseProbe;
import cardwatch.monitor.system.CardwatchProperties;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Warns, at start and whenever the platforms change, when budgets and schedules do not fit:
 * <ul>
 * <li>the daily budgets of the platforms that pay add up to more than the global one: the global budget then runs
 * out first every day, test purchases stop on every platform until the day turns, and
 * CardwatchGlobalBudgetExhausted pages;</li>
 * <li>a platform's purchase schedule fires more often a day than its own budget pays for (a purchase reserves its
 * price cap): its paid purchases all fall in the first hours of the day, the rest of the day's fires end as budget
 * errors, and each of those is a run row kept for the raw window with nothing learnt.</li>
 * </ul>
 * The demo is left out: its money is simulated and every one of its caps is the same figure.
 */
@Component
class BudgetSizing {

    private static final Logger log = LoggerFactory.getLogger(BudgetSizing.class);

    BudgetSizing(PlatformCatalog catalog, BudgetService budgets, CardwatchProperties properties) {
        if (properties.platformsFile().isBlank()) {
            return;
        }
        Runnable check = () -> {
            problem(catalog.all(), budgets.globalCap()).ifPresent(log::warn);
            paceProblem(catalog.all()).ifPresent(log::warn);
        };
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

    /** Platforms whose purchase schedule fires more often a day than their budget pays for; empty when none. */
    static Optional<String> paceProblem(Collection<Platform> platforms) {
        List<String> over = new ArrayList<>();
        for (Platform platform : platforms) {
            Schedule schedule = platform.schedules().get(PurchaseProbe.KIND);
            if (!Platform.MODE_PURCHASE.equals(platform.purchaseMode()) || schedule == null) {
                continue;
            }
            long fires = schedule.firesPerDay();
            BigDecimal cap = platform.purchase().priceCap();
            long paid = PlatformConfigLoader.paidPerDay(platform.dailyBudget(), cap);
            if (fires > paid) {
                over.add(platform.id() + " (about " + fires + " a day, " + (schedule.isCron() ? "cron '"
                        + schedule.cron() + "'" : "every " + human(schedule.every())) + "; budget.daily "
                        + yuan(platform.dailyBudget()) + " yuan pays for " + paid + " at its price cap of " + yuan(cap)
                        + " yuan" + (paid > 0 ? ", so every " + human(PlatformConfigLoader.pacedEvery(
                                platform.dailyBudget(), cap)) + " would fit" : "") + ")");
            }
        }
        if (over.isEmpty()) {
            return Optional.empty();
        }
        int shown = Math.min(over.size(), 5);
        boolean one = over.size() == 1;
        return Optional.of(over.size() + (one ? " platform plans more purchases a day than its daily budget pays "
                + "for: its" : " platforms plan more purchases a day than their daily budgets pay for: their")
                + " paid purchases all fall in the first hours of the day and the rest of the day's fires end as "
                + "budget errors (outcome error, reason budget), a run row each with nothing learnt. Lengthen "
                + "schedule.purchase or raise budget.daily: "
                + String.join("; ", over.subList(0, shown)) + (over.size() > shown ? "; and " + (over.size() - shown)
                        + " more" : ""));
    }

    private static String human(Duration duration) {
        long minutes = (duration.toSeconds() + 59) / 60;
        return minutes % 60 == 0 ? minutes / 60 + "h" : minutes >= 60 ? minutes / 60 + "h" + minutes % 60 + "m"
                : minutes + "m";
    }

    private static String yuan(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
