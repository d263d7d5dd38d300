package cardwatch.monitor.hooks;

import cardwatch.monitor.admin.AuditLog;
import cardwatch.monitor.api.OpenApiConfiguration;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.security.Principal;
import java.time.Clock;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alert messages their receivers kept refusing: listed (read token), sent again or dropped (admin token, audited).
 * Never the receiver's URL: it holds the robot's token.
 */
@RestController
@RequestMapping("/api/admin/v1/hooks/dead-letters")
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
class DeadLetterController {

    static final int MAX = 500;

    private final HookOutbox outbox;
    private final AuditLog audit;
    private final Clock clock;

    DeadLetterController(HookOutbox outbox, AuditLog audit, Clock clock) {
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping
    ResponseEntity<?> list(@RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "limit must be between 1 and " + MAX + ", was " + limit));
        }
        return ResponseEntity.ok(outbox.dead(limit));
    }

    /** Sends a dead letter again, at once, with a fresh allowance of refusals. */
    @PostMapping("/{id}/retry")
    @Transactional
    ResponseEntity<?> retry(@PathVariable("id") long id, Principal who) {
        if (!outbox.revive(id, clock.instant())) {
            return notFound(id);
        }
        audit.record(who.getName(), "retry_dead_letter", "hook", "{\"id\":" + id + ",\"dead\":true}",
                "{\"id\":" + id + ",\"dead\":false}");
        return ResponseEntity.accepted().build();
    }

    /** Drops a dead letter for good. */
    @DeleteMapping("/{id}")
    @Transactional
    ResponseEntity<?> drop(@PathVariable("id") long id, Principal who) {
        if (!outbox.drop(id)) {
            return notFound(id);
        }
        audit.record(who.getName(), "drop_dead_letter", "hook", "{\"id\":" + id + ",\"dead\":true}", "null");
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<?> notFound(long id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "no dead letter with id " + id));
    }
}
