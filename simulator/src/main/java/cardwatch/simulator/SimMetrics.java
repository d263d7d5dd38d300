package cardwatch.simulator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the simulated platforms really did, as a Prometheus metric: {@code cardwatch_sim_orders_total{platform,
 * injected}}, one count per order attempt, {@code injected} being {@code none} or the fault the simulator injected.
 * Comparing it with what Cardwatch measured shows how truthful Cardwatch is. One registry per process, served by
 * every simulated platform at {@code <base>/sim/metrics}.
 */
public final class SimMetrics {

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    private static final Counter ORDERS = Counter.builder().name("cardwatch_sim_orders")
            .help("Orders the simulated platforms received, by the fault injected into each (none: behaved)")
            .labelNames("platform", "injected").register(REGISTRY);

    private SimMetrics() {
    }

    static void order(String platform, Fault fault) {
        ORDERS.labelValues(platform, fault.label()).inc();
    }

    /** The registry in the Prometheus text format. */
    public static String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, REGISTRY.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static SimAnswer answer() {
        return SimAnswer.text(scrape(), CONTENT_TYPE);
    }
}
