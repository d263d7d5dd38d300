package cardwatch.monitor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.Schedule;
import cardwatch.probes.purchase.PurchaseSpec;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetSizingTest {

    private static Platform platform(String id, boolean buys, String daily) {
        PurchaseSpec purchase = buys ? new PurchaseSpec("1001", BigDecimal.ONE, BigDecimal.ONE, "18866667777", null,
                Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(30)) : null;
        return new Platform(id, id, id, URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), purchase, Map.of(),
                new BigDecimal(daily));
    }

    @Test
    void platformBudgetsAboveTheGlobalOneAreNamedWithBothSums() {
        List<Platform> fleet = List.of(platform("a", true, "10.00"), platform("b", true, "10.00"),
                platform("checks-only", false, "10.00"));
        assertThat(BudgetSizing.problem(fleet, new BigDecimal("15.00"))).hasValueSatisfying(message ->
                assertThat(message).contains("add up to 20.00 yuan", "cardwatch.budget.daily-global (15.00 yuan)",
                        "CardwatchGlobalBudgetExhausted"));
        assertThat(BudgetSizing.problem(fleet, new BigDecimal("20.00"))).as("a platform that buys nothing spends "
                + "nothing").isEmpty();
    }

    private static Platform buyer(String id, Schedule purchase, String daily, String cap) {
        PurchaseSpec spec = new PurchaseSpec("1001", BigDecimal.ONE, new BigDecimal(cap), "18866667777", null,
                Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(30));
        return new Platform(id, id, id, URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), spec,
                Map.of("purchase", purchase), new BigDecimal(daily));
    }

    private static Schedule every(Duration every) {
        return new Schedule(every, null, Duration.ofMinutes(1));
    }

    @Test
    void aScheduleFiringMoreOftenThanTheBudgetPaysIsNamedWithWhatWouldFit() {
        // the defaults: every 20 minutes is 72 a day; 10 yuan at a 1.20 cap pays for 8, one every 3 hours
        Platform defaults = buyer("shop-a", every(Duration.ofMinutes(20)), "10.00", "1.20");
        assertThat(BudgetSizing.paceProblem(List.of(defaults))).hasValueSatisfying(message ->
                assertThat(message).startsWith("1 platform plans more purchases a day than its daily budget pays for")
                        .contains("shop-a (about 72 a day, every 20m;",
                                "budget.daily 10.00 yuan pays for 8 at its price cap of 1.20 yuan",
                                "every 3h would fit", "reason budget"));
        assertThat(BudgetSizing.paceProblem(List.of(buyer("shop-a", every(Duration.ofHours(3)), "10.00", "1.20"))))
                .as("8 a day fit exactly").isEmpty();
        assertThat(BudgetSizing.paceProblem(List.of(buyer("shop-a", every(Duration.ofMinutes(179)), "10.00",
                "1.20")))).as("a minute less is 9 a day").isPresent();
        assertThat(BudgetSizing.paceProblem(List.of(buyer("shop-a", every(Duration.ofMinutes(20)), "72.00",
                "1.00")))).as("a budget that pays every fire").isEmpty();
        assertThat(BudgetSizing.paceProblem(List.of(buyer("shop-a", every(Duration.ofHours(1)), "0.50", "1.00"))))
                .hasValueSatisfying(message -> assertThat(message).contains("pays for 0").doesNotContain("fit"));
    }

    @Test
    void cronSchedulesAreCountedByTheirFiresInADay() {
        Schedule sixADay = new Schedule(null, "0 0 0/4 * * ?", Duration.ofMinutes(1));
        Schedule everyTenMinutes = new Schedule(null, "0 0/10 * * * ?", Duration.ofMinutes(1));
        assertThat(BudgetSizing.paceProblem(List.of(buyer("shop-a", sixADay, "10.00", "1.20")))).isEmpty();
        assertThat(BudgetSizing.paceProblem(List.of(buyer("shop-a", everyTenMinutes, "10.00", "1.20"))))
                .hasValueSatisfying(message -> assertThat(message).contains("about 144 a day, cron '0 0/10 * * * ?'"));
    }

    @Test
    void onlyPlatformsThatPayAreCheckedAndALongListIsCut() {
        List<Platform> fleet = new java.util.ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            fleet.add(buyer("shop-" + i, every(Duration.ofMinutes(20)), "10.00", "1.20"));
        }
        fleet.add(platform("checks-only", false, "10.00"));
        assertThat(BudgetSizing.paceProblem(fleet)).hasValueSatisfying(message -> assertThat(message)
                .startsWith("7 platforms plan more purchases a day than their daily budgets pay for: their paid")
                .contains("shop-5 (", "; and 2 more").doesNotContain("shop-6 (", "checks-only"));
    }
}
