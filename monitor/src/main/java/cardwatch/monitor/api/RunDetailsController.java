package cardwatch.monitor.api;

import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/admin/v1/platforms/{id}/runs} (read token): a platform's recent runs in full, newest first, those in
 * flight included: order ids, the amount, the raw evidence, refunds.
 */
@RestController
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
class RunDetailsController {

    private final PlatformsController platforms;

    RunDetailsController(PlatformsController platforms) {
        this.platforms = platforms;
    }

    @GetMapping("/api/admin/v1/platforms/{id}/runs")
    ResponseEntity<?> runs(@PathVariable("id") String id,
            @RequestParam(name = "limit", defaultValue = "" + PlatformsController.DEFAULT_LIMIT) int limit,
            @RequestParam(name = "probe", required = false) String probe) {
        return platforms.recent(id, limit, probe, recent -> recent);
    }
}
