package cardwatch.monitor.hooks;

import cardwatch.monitor.api.OpenApiConfiguration;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /hooks/alertmanager}: Alertmanager's webhook (payload version 4), with
 * {@code Authorization: Bearer <cardwatch.hooks.relay-token>}. Each alert goes through the same outbox and channels as
 * incidents, keyed by its fingerprint, status and start, so Alertmanager's repeats are not sent twice.
 */
@RestController
@SecurityRequirement(name = OpenApiConfiguration.RELAY)
class AlertmanagerRelay {

    private final AlertHooks hooks;
    private final RelayToken token;
    private final Clock clock;

    AlertmanagerRelay(AlertHooks hooks, RelayToken token, Clock clock) {
        this.hooks = hooks;
        this.token = token;
        this.clock = clock;
    }

    @PostMapping("/hooks/alertmanager")
    ResponseEntity<?> relay(@RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestBody JsonNode payload) {
        ResponseEntity<?> refusal = token.refusal(authorization, "the Alertmanager relay");
        if (refusal != null) {
            return refusal;
        }
        if (!"4".equals(payload.path("version").asString(""))) {
            return problem(HttpStatus.BAD_REQUEST, "payload version must be \"4\" (Alertmanager webhook), not '"
                    + payload.path("version").asString("") + "'");
        }
        JsonNode alerts = payload.path("alerts");
        if (!alerts.isArray()) {
            return problem(HttpStatus.BAD_REQUEST, "'alerts' must be a list");
        }
        int queued = 0;
        try {
            for (JsonNode alert : alerts) {
                hooks.enqueue(notice(alert, payload.path("externalURL").asString("")));
                queued++;
            }
        } catch (DateTimeParseException e) {
            return problem(HttpStatus.BAD_REQUEST, "alerts[" + queued + "]: startsAt/endsAt is not an RFC 3339 time");
        }
        return ResponseEntity.accepted().body(Map.of("alerts", queued, "channels", hooks.channelNames()));
    }

    private Notice notice(JsonNode alert, String externalUrl) {
        JsonNode labels = alert.path("labels");
        JsonNode annotations = alert.path("annotations");
        boolean resolved = "resolved".equals(alert.path("status").asString(""));
        String name = labels.path("alertname").asString("alert");
        Instant since = Instant.parse(alert.path("startsAt").asString(clock.instant().toString()));
        String endsAt = alert.path("endsAt").asString("");
        Instant at = resolved && !endsAt.isEmpty() && !endsAt.startsWith("0001") ? Instant.parse(endsAt)
                : clock.instant();
        String summary = annotations.path("summary").asString(annotations.path("description").asString(name));
        String link = alert.path("generatorURL").asString(externalUrl);
        String thread = "alertmanager-" + alert.path("fingerprint").asString(name);
        String key = thread + "-" + (resolved ? "resolved" : "firing") + "-" + since.toEpochMilli();
        return new Notice(key, 0, resolved ? "resolved" : "opened", labels.path("platform").asString("-"), name,
                "alert", summary, since, at, link.isEmpty() ? hooks.linkBase() : link, hooks.language(), thread,
                labels.path("severity").asString("warning"));
    }

    private static ResponseEntity<?> problem(HttpStatus status, String detail) {
        return RelayToken.problem(status, detail);
    }
}
