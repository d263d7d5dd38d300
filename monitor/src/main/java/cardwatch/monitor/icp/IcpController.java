package cardwatch.monitor.icp;

import cardwatch.monitor.platform.PlatformCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/platforms/{id}/icp}: the footer found, the registry's record and the status. */
@RestController
class IcpController {

    private final PlatformCatalog catalog;
    private final IcpStatusRepository checks;

    IcpController(PlatformCatalog catalog, IcpStatusRepository checks) {
        this.catalog = catalog;
        this.checks = checks;
    }

    @GetMapping("/api/v1/platforms/{id}/icp")
    ResponseEntity<?> icp(@PathVariable("id") String id) {
        if (catalog.find(id).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.NOT_FOUND, "no platform with id '" + id + "'"));
        }
        return ResponseEntity.ok(checks.find(id).map(check -> {
            Map<String, String> f = check.facts();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", check.status());
            body.put("footer", f.getOrDefault("footer", ""));
            body.put("number", f.getOrDefault("number", ""));
            body.put("domain", f.getOrDefault("domain", ""));
            Map<String, String> record = new LinkedHashMap<>();
            for (String field : new String[] {"unit_name", "nature_name", "main_licence", "service_licence",
                "update_record_time"}) {
                if (f.containsKey(field)) {
                    record.put(field, f.get(field));
                }
            }
            body.put("record", record.isEmpty() ? null : record);
            body.put("personalFiling", Boolean.parseBoolean(f.getOrDefault("personal_filing", "false")));
            body.put("evidence", check.evidence());
            body.put("checkedAt", check.checkedAt());
            return body;
        }).orElseGet(() -> {
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("status", null);
            none.put("checkedAt", null);
            return none;
        }));
    }
}
