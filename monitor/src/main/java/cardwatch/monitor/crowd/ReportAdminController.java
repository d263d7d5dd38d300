package cardwatch.monitor.crowd;

import cardwatch.monitor.api.OpenApiConfiguration;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Buyers' reports for operators: listed (read; never an address or an order number) and hidden (admin, audited). */
@RestController
@RequestMapping("/api/admin/v1/reports")
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
class ReportAdminController {

    static final int MAX = 500;

    private final ReportDesk desk;

    ReportAdminController(ReportDesk desk) {
        this.desk = desk;
    }

    @GetMapping
    ResponseEntity<?> list(@RequestParam(name = "platform", required = false) String platform,
            @RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "limit must be between 1 and " + MAX + ", was " + limit));
        }
        List<ReportDesk.Listed> reports = desk.recent(platform, limit);
        return ResponseEntity.ok(reports);
    }

    /** Hides a report from the pages and the counts; it stays, marked, and the change is audited. */
    @PostMapping("/{id}/hide")
    ResponseEntity<?> hide(@PathVariable("id") long id, Principal who) {
        if (!desk.hide(id, who.getName())) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.NOT_FOUND, "no visible report with id " + id));
        }
        return ResponseEntity.noContent().build();
    }
}
