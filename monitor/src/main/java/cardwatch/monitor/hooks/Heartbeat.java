package cardwatch.monitor.hooks;

import cardwatch.monitor.api.OpenApiConfiguration;
import cardwatch.monitor.system.CardwatchProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A dead man's switch for the alerting pipeline. Alertmanager sends the always-firing watchdog alert to
 * {@code POST /hooks/heartbeat} every minute (bearer {@code cardwatch.hooks.relay-token}). Once one has arrived,
 * silence for longer than {@code cardwatch.hooks.heartbeat-timeout} means Prometheus or Alertmanager stopped: then
 * Cardwatch itself sends a critical "alerting pipeline silent" message through its own channels, and a resolve
 * when the heartbeats come back. The last heartbeat is kept in the database: a restart does not disarm the switch.
 */
@RestController
@SecurityRequirement(name = OpenApiConfiguration.RELAY)
class Heartbeat implements MeterBinder {

    static final String PLATFORM = "_monitor";
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final AlertHooks hooks;
    private final RelayToken token;
    private final Clock clock;
    private final Duration timeout;
    private volatile Instant last;
    private Instant silentSince;

    private final JdbcClient jdbc;

    Heartbeat(AlertHooks hooks, RelayToken token, Clock clock, CardwatchProperties properties, JdbcClient jdbc) {
        this.hooks = hooks;
        this.token = token;
        this.clock = clock;
        this.timeout = properties.hooks().heartbeatTimeout();
        this.jdbc = jdbc;
        // armed once a heartbeat was ever heard, also before this start
        this.last = jdbc.sql("select last_at from alerting_heartbeat where id = 1").query(OffsetDateTime.class)
                .optional().map(OffsetDateTime::toInstant).orElse(null);
    }

    @PostMapping("/hooks/heartbeat")
    ResponseEntity<?> beat(@RequestHeader(name = "Authorization", required = false) String authorization) {
        ResponseEntity<?> refusal = token.refusal(authorization, "the heartbeat hook");
        if (refusal != null) {
            return refusal;
        }
        last = clock.instant();
        OffsetDateTime at = last.atOffset(ZoneOffset.UTC);
        if (jdbc.sql("update alerting_heartbeat set last_at = ? where id = 1").params(at).update() == 0) {
            jdbc.sql("insert into alerting_heartbeat (id, last_at) values (1, ?)").params(at).update();
        }
        check();
        return ResponseEntity.accepted().body(Map.of("at", last.toString()));
    }

    /** Looks for silence; also called on every heartbeat, so the resolve goes out as soon as they return. */
    @Scheduled(fixedDelay = 15_000, initialDelay = 15_000)
    synchronized void check() {
        Instant seen = last;
        if (seen == null) {
            return;
        }
        Instant now = clock.instant();
        boolean silent = Duration.between(seen, now).compareTo(timeout) > 0;
        if (silent && silentSince == null) {
            silentSince = seen;
            log.warn("no heartbeat from Alertmanager since {}: alerting pipeline silent", seen);
            hooks.enqueue(notice("opened", now));
        } else if (!silent && silentSince != null) {
            log.info("heartbeats from Alertmanager are back");
            hooks.enqueue(notice("resolved", now));
            silentSince = null;
        }
    }

    private Notice notice(String event, Instant at) {
        boolean english = "en".equals(hooks.language());
        String key = "heartbeat-" + silentSince.toEpochMilli();
        return new Notice(key + "-" + event, 0, event, PLATFORM,
                english ? "Alerting pipeline (Prometheus / Alertmanager)" : "告警链路（Prometheus / Alertmanager）",
                "alerting", english ? "no heartbeat from Alertmanager" : "收不到 Alertmanager 的心跳", silentSince, at,
                hooks.linkBase(), hooks.language(), key, "critical");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("cardwatch.alertmanager.heartbeat.timestamp", this,
                        h -> h.last == null ? 0 : h.last.toEpochMilli() / 1000.0)
                .description("When the last heartbeat from Alertmanager arrived (0: none yet)")
                .baseUnit("seconds").register(registry);
    }
}
