package cardwatch.monitor.admin;

import cardwatch.monitor.api.OpenApiConfiguration;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformConfigException;
import cardwatch.monitor.scheduling.ProbeDispatcher;
import cardwatch.probes.purchase.PurchaseProbe;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin API's operations on running platforms: pause and resume (admin), run a probe now (read for a probe that
 * spends nothing, admin for a purchase), and the audit of every change (read). Each change is written to the audit,
 * naming the token's holder: a pause or resume in the transaction that makes it, a run once it has started.
 */
@RestController
@RequestMapping("/api/admin/v1")
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
class AdminController {

    static final int MAX_AUDIT = 500;

    private final PlatformCatalog catalog;
    private final Pauses pauses;
    private final ProbeDispatcher dispatcher;
    private final AuditLog audit;
    private final PlatformStore store;
    private final Clock clock;

    AdminController(PlatformCatalog catalog, Pauses pauses, ProbeDispatcher dispatcher, AuditLog audit,
            PlatformStore store, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.catalog = catalog;
        this.pauses = pauses;
        this.dispatcher = dispatcher;
        this.audit = audit;
    }

    /** {@code changed} is false when the platform was paused already. */
    record PauseState(String platform, boolean paused, boolean changed) {
    }

    /** The run a "run now" started, named by its fire time. */
    record Started(String platform, String probe, Instant scheduledFire) {
    }

    /** What to run now: {@code availability}, {@code icp}, {@code reviews} or {@code purchase}. */
    record RunRequest(String probe) {
    }

    /**
     * A platform as configured, where from ({@code file} or {@code api}), and whether it is paused: no credentials,
     * not even their references.
     *
     * @param schedules per probe: {@code every} and {@code jitter} (ISO-8601 durations), or {@code cron}
     */
    record Configured(String id, String origin, Map<String, String> names, String protocol, String baseUrl,
            Map<String, Map<String, String>> schedules, java.math.BigDecimal dailyBudget, String mode,
            boolean paused) {
    }

    /**
     * Where the file's platforms come from, each platform, and the API platforms set aside because the file defines
     * the same id (the file wins).
     */
    record Platforms(String source, List<Configured> platforms, List<String> shadowed) {
    }

    @GetMapping("/platforms")
    Platforms platforms() {
        return new Platforms(catalog.source(), catalog.all().stream().map(this::configured).toList(),
                catalog.shadowed());
    }

    private Configured configured(Platform p) {
        Map<String, Map<String, String>> schedules = new java.util.TreeMap<>();
        p.schedules().forEach((probe, schedule) -> {
            Map<String, String> shown = new java.util.LinkedHashMap<>();
            if (schedule.isCron()) {
                shown.put("cron", schedule.cron());
            } else {
                shown.put("every", schedule.every().toString());
            }
            shown.put("jitter", schedule.jitter().toString());
            schedules.put(probe, shown);
        });
        return new Configured(p.id(), catalog.origin(p.id()).map(o -> o.name().toLowerCase(Locale.ROOT)).orElse(null),
                p.names(), p.protocol(), p.baseUrl().toString(), schedules,
                p.dailyBudget(), p.purchaseMode(), pauses.paused(p.id()));
    }

    /**
     * Adds a platform: the body is one entry of the platforms file's {@code platforms:} list, as YAML or JSON, and is
     * checked by the file's rules, with the file's messages. An id the file defines is the file's.
     */
    @PostMapping(path = "/platforms", consumes = {"application/json", "application/yaml", "text/plain"})
    ResponseEntity<?> create(@RequestBody String entry, Principal who) {
        return change(entry, () -> {
            String id = store.create(entry, who.getName());
            return ResponseEntity.created(java.net.URI.create("/api/admin/v1/platforms/" + id))
                    .body(configured(catalog.find(id).orElseThrow()));
        });
    }

    /** Replaces an API platform's entry (the whole entry: what it leaves out takes the file's defaults). */
    @PutMapping(path = "/platforms/{id}", consumes = {"application/json", "application/yaml", "text/plain"})
    ResponseEntity<?> update(@PathVariable("id") String id, @RequestBody String entry, Principal who) {
        return change(entry, () -> {
            store.update(id, entry, who.getName());
            return ResponseEntity.ok(configured(catalog.find(id).orElseThrow()));
        });
    }

    /** Deletes an API platform; its runs, ledger and incidents stay. */
    @DeleteMapping("/platforms/{id}")
    ResponseEntity<?> delete(@PathVariable("id") String id, Principal who) {
        return change("", () -> {
            store.delete(id, who.getName());
            return ResponseEntity.noContent().build();
        });
    }

    /** Reads the platforms file again, on every instance; a file with problems changes nothing. */
    @PostMapping("/platforms/reread")
    ResponseEntity<?> reread(Principal who) {
        return change("", () -> ResponseEntity.ok(store.reread(who.getName())));
    }

    /** The most an entry may hold, in characters: a column's width. */
    static final int MAX_ENTRY = 65536;

    private ResponseEntity<?> change(String entry, java.util.function.Supplier<ResponseEntity<?>> action) {
        if (entry.length() > MAX_ENTRY) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "a platform entry may hold at most " + MAX_ENTRY
                    + " characters; this one has " + entry.length());
        }
        try {
            return action.get();
        } catch (PlatformConfigException e) {
            ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
                    e.problems().size() + " problem(s): the same as the platforms file would get");
            detail.setProperty("problems", e.problems().stream().map(AdminController::withoutSource).toList());
            return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(detail);
        } catch (PlatformStore.Refused e) {
            return problem(e.missing() ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT, e.getMessage());
        }
    }

    /** An API entry's problem without its source (the file's name, for the file's): what both have in common. */
    static String withoutSource(String problem) {
        String prefix = PlatformStore.SOURCE + ": ";
        return problem.startsWith(prefix) ? problem.substring(prefix.length()) : problem;
    }

    @PostMapping("/platforms/{id}/pause")
    ResponseEntity<?> pause(@PathVariable("id") String id, Principal who) {
        if (catalog.find(id).isEmpty()) {
            return unknown(id);
        }
        boolean changed = pauses.pause(id, who.getName());
        pauses.refresh();
        return ResponseEntity.ok(new PauseState(id, true, changed));
    }

    @PostMapping("/platforms/{id}/resume")
    ResponseEntity<?> resume(@PathVariable("id") String id, Principal who) {
        if (catalog.find(id).isEmpty()) {
            return unknown(id);
        }
        boolean changed = pauses.resume(id, who.getName());
        pauses.refresh();
        return ResponseEntity.ok(new PauseState(id, false, changed));
    }

    @PostMapping("/platforms/{id}/runs")
    ResponseEntity<?> runNow(@PathVariable("id") String id, @RequestBody(required = false) RunRequest body,
            Principal who, HttpServletRequest request) {
        if (catalog.find(id).isEmpty()) {
            return unknown(id);
        }
        String probe = body == null ? null : body.probe();
        if (probe == null || probe.isBlank()) {
            return problem(HttpStatus.BAD_REQUEST, "the body must name the probe to run: {\"probe\": \"availability\"}"
                    + " (or icp, reviews, purchase)");
        }
        if (!catalog.find(id).get().schedules().containsKey(probe)) {
            return problem(HttpStatus.BAD_REQUEST, "platform '" + id + "' has no " + safe(probe)
                    + " probe configured; it has " + String.join(", ", catalog.find(id).get().schedules().keySet()));
        }
        if (probe.equals(PurchaseProbe.KIND) && !request.isUserInRole("ADMIN")) {
            return problem(HttpStatus.FORBIDDEN, "a purchase now spends money and needs the admin role; token '"
                    + who.getName() + "' has the read role");
        }
        Instant fire = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ProbeDispatcher.RunNow outcome = dispatcher.runNow(id, probe, fire);
        if (outcome == ProbeDispatcher.RunNow.STARTED) {
            audit.record(who.getName(), "run_now", id, null,
                    "{\"probe\":\"" + probe + "\",\"scheduledFire\":\"" + fire + "\"}");
        }
        return switch (outcome) {
            case STARTED -> ResponseEntity.accepted().body(new Started(id, probe, fire));
            case BUSY -> problem(HttpStatus.CONFLICT, "platform '" + id + "': its previous " + probe
                    + " run is still going; one runs at a time, so ask again when it has ended");
            case NO_SUCH_PROBE -> problem(HttpStatus.BAD_REQUEST, "platform '" + id + "' has no such probe");
        };
    }

    @GetMapping("/audit")
    ResponseEntity<?> audit(@RequestParam(name = "platform", required = false) String platform,
            @RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_AUDIT) {
            return problem(HttpStatus.BAD_REQUEST, "limit must be between 1 and " + MAX_AUDIT + ", was " + limit);
        }
        List<AuditLog.Entry> entries = audit.recent(platform, limit);
        return ResponseEntity.ok(entries);
    }

    /** A caller's probe name as an answer may repeat it: short, and nothing but letters, digits, - and _. */
    private static String safe(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return "'" + shown.replaceAll("[^A-Za-z0-9_…-]", "?") + "'";
    }

    private static ResponseEntity<?> unknown(String id) {
        return problem(HttpStatus.NOT_FOUND, "no platform with id '" + id + "'");
    }

    private static ResponseEntity<?> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
