package cardwatch.monitor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.Platform;
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
}
