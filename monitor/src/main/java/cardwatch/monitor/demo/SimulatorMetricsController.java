package cardwatch.monitor.demo;

import cardwatch.simulator.SimMetrics;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /demo/simulator-metrics}, in the demo only: the in-process simulator's own registry
 * ({@code cardwatch_sim_orders_total{platform,injected}}, what it really injected), as the simulator writes it, so
 * Prometheus can put the ground truth beside what Cardwatch measured. A standalone simulator serves the same at
 * {@code <platform base>/sim/metrics}.
 */
@RestController
@ConditionalOnExpression("'${cardwatch.platforms-file:}'.isBlank()")
class SimulatorMetricsController {

    @GetMapping("/demo/simulator-metrics")
    ResponseEntity<String> metrics() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(SimMetrics.CONTENT_TYPE))
                .body(SimMetrics.scrape());
    }
}
