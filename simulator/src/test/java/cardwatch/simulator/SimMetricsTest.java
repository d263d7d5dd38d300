package cardwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ground-truth metric counts exactly what the simulated platform injected, per fault, in the text format. */
class SimMetricsTest {

    private static long count(String text, String platform, String injected) {
        Matcher m = Pattern.compile("(?m)^cardwatch_sim_orders_total\\{injected=\"" + injected + "\",platform=\""
                + platform + "\"} ([0-9.]+)$").matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void everyOrderIsCountedUnderTheFaultItGot() {
        TopUpBook book = new TopUpBook("metrics-test-shop", Profiles.named("out-of-stock"), new BigDecimal("1000"),
                Map.of("1", new BigDecimal("0.98")), Clock.systemUTC(), 7);
        for (int i = 0; i < 40; i++) {
            book.take("order-" + i, "1", "18800000000", "1.00", order -> { });
        }
        String text = SimMetrics.scrape();
        assertThat(text).contains("# TYPE cardwatch_sim_orders_total counter");
        Map<Fault, Long> injected = book.injectedCounts();
        assertThat(injected.keySet()).contains(Fault.OUT_OF_STOCK);
        long total = 0;
        for (Map.Entry<Fault, Long> e : injected.entrySet()) {
            assertThat(count(text, "metrics-test-shop", e.getKey().label())).as(e.getKey().label())
                    .isEqualTo(e.getValue());
            total += e.getValue();
        }
        assertThat(total).isEqualTo(40);
    }
}
