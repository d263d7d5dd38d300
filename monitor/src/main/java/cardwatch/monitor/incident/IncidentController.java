package cardwatch.monitor.incident;

import cardwatch.monitor.platform.PlatformCatalog;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/incidents?state=open|resolved&platform=&limit=100}: incidents with their timelines. */
@RestController
class IncidentController {

    static final int MAX_LIMIT = 500;
    private static final Set<String> STATES = Set.of("open", "resolved");

    private final PlatformCatalog catalog;
    private final IncidentService incidents;

    IncidentController(PlatformCatalog catalog, IncidentService incidents) {
        this.catalog = catalog;
        this.incidents = incidents;
    }

    @GetMapping("/api/v1/incidents")
    ResponseEntity<?> incidents(@RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "platform", required = false) String platform,
            @RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (state != null && !STATES.contains(state)) {
            return problem(HttpStatus.BAD_REQUEST, "state must be open or resolved, not '" + state + "'");
        }
        if (platform != null && catalog.find(platform).isEmpty()) {
            return problem(HttpStatus.NOT_FOUND, "no platform with id '" + platform + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return problem(HttpStatus.BAD_REQUEST, "limit must be between 1 and " + MAX_LIMIT);
        }
        return ResponseEntity.ok(Map.of("items", incidents.find(state, platform, limit)));
    }

    private static ResponseEntity<?> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
