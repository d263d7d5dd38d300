package cardwatch.monitor.ledger;

import cardwatch.monitor.api.OpenApiConfiguration;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.CardwatchProperties;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The ledger: {@code GET /api/v1/ledger} (entries), {@code /api/v1/ledger/summary} (per day and platform) and
 * {@code /api/v1/ledger/export.csv}. {@code from} and {@code to} take a date (a whole day in the schedule's zone)
 * or an instant; {@code to} is exclusive for instants and inclusive for dates.
 */
@RestController
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
@RequestMapping("/api/v1/ledger")
class LedgerController {

    static final int MAX_ENTRIES = 10_000;

    private final LedgerRepository ledger;
    private final PlatformCatalog catalog;
    private final ZoneId zone;

    LedgerController(LedgerRepository ledger, PlatformCatalog catalog, CardwatchProperties properties) {
        this.ledger = ledger;
        this.catalog = catalog;
        this.zone = ZoneId.of(properties.schedule().timeZone());
    }

    @GetMapping
    List<LedgerEntry> entries(@RequestParam(name = "platform", required = false) String platform,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to) {
        return select(platform, from, to);
    }

    /**
     * One row per day and platform: charges, refunds, adjustments and the net spend (charges − refunds −
     * adjustments), oldest first.
     */
    record DaySummary(LocalDate day, String platform, BigDecimal charges, BigDecimal refunds, BigDecimal adjustments,
            BigDecimal net, int entries) {
    }

    @GetMapping("/summary")
    List<DaySummary> summary(@RequestParam(name = "platform", required = false) String platform,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to) {
        Map<String, BigDecimal[]> sums = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (LedgerEntry entry : select(platform, from, to)) {
            String key = entry.occurredAt().atZone(zone).toLocalDate() + "|" + entry.platform();
            BigDecimal[] sum = sums.computeIfAbsent(key, k -> new BigDecimal[] {zero(), zero(), zero()});
            int slot = switch (entry.kind()) {
                case LedgerEntry.CHARGE -> 0;
                case LedgerEntry.REFUND -> 1;
                default -> 2;
            };
            sum[slot] = sum[slot].add(entry.amount());
            counts.merge(key, 1, Integer::sum);
        }
        return sums.entrySet().stream().map(e -> {
            String[] key = e.getKey().split("\\|", 2);
            BigDecimal[] s = e.getValue();
            return new DaySummary(LocalDate.parse(key[0]), key[1], s[0], s[1], s[2],
                    s[0].subtract(s[1]).subtract(s[2]), counts.get(e.getKey()));
        }).toList();
    }

    @GetMapping(value = "/export.csv", produces = "text/csv")
    ResponseEntity<String> csv(@RequestParam(name = "platform", required = false) String platform,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to) {
        StringBuilder out = new StringBuilder(
                "id,occurred_at,platform,run_id,kind,amount,currency,platform_order_no,source,note\n");
        for (LedgerEntry e : select(platform, from, to)) {
            out.append(e.id()).append(',').append(e.occurredAt()).append(',').append(csv(e.platform())).append(',')
                    .append(e.runId() == null ? "" : e.runId()).append(',').append(e.kind()).append(',')
                    .append(e.amount().toPlainString()).append(',').append(e.currency()).append(',')
                    .append(csv(e.platformOrderNo())).append(',').append(e.source()).append(',')
                    .append(csv(e.note())).append('\n');
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"cardwatch-ledger.csv\"")
                .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .body(out.toString());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                e.getMessage()));
    }

    private List<LedgerEntry> select(String platform, String from, String to) {
        if (platform != null && catalog.find(platform).isEmpty()) {
            throw new IllegalArgumentException("no platform with id '" + platform + "'");
        }
        return ledger.list(platform, instant("from", from, false), instant("to", to, true), MAX_ENTRIES);
    }

    private Instant instant(String name, String text, boolean end) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date (2026-11-26) or an instant "
                    + "(2026-11-26T08:00:00Z), was '" + text + "'");
        }
    }

    /** Quotes a CSV field when it needs it, and defuses spreadsheet formulas. */
    static String csv(String value) {
        if (value == null) {
            return "";
        }
        String text = value;
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static BigDecimal zero() {
        return BigDecimal.ZERO.setScale(2);
    }
}
