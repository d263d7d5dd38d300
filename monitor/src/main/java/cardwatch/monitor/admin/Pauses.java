package cardwatch.monitor.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The platforms an operator paused. The table is the truth; each node reads it at start and every
 * {@value #REFRESH_MS} ms, so a pause made on one node stops the runs of every node within seconds. A paused
 * platform exports {@code cardwatch_platform_paused{platform} 1} (only while paused: the series costs nothing at the
 * defaults), which the stale-probe alert leaves out.
 */
@Component
public class Pauses {

    static final long REFRESH_MS = 5000;
    static final String METER = "cardwatch.platform.paused";
    private static final Logger log = LoggerFactory.getLogger(Pauses.class);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Meter> gauges = new HashMap<>();
    private volatile Set<String> paused;

    public Pauses(JdbcClient jdbc, AuditLog audit, Clock clock, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.registry = registry;
        refresh();
    }

    /** Whether the platform's scheduled runs are paused (as of this node's last read, at most seconds old). */
    public boolean paused(String platform) {
        return paused.contains(platform);
    }

    /** Pauses a platform; false when it was paused already (then nothing is written). */
    @Transactional
    public boolean pause(String platform, String actor) {
        if (jdbc.sql("select count(*) from platform_pause where platform_id = ?").param(platform).query(Long.class)
                .single() > 0) {
            return false;
        }
        jdbc.sql("insert into platform_pause (platform_id, paused_by, paused_at) values (?, ?, ?)")
                .params(platform, actor, clock.instant().atOffset(ZoneOffset.UTC)).update();
        audit.record(actor, "pause", platform, "{\"paused\":false}", "{\"paused\":true}");
        return true;
    }

    /** Resumes a platform; false when it was not paused (then nothing is written). */
    @Transactional
    public boolean resume(String platform, String actor) {
        if (jdbc.sql("delete from platform_pause where platform_id = ?").param(platform).update() == 0) {
            return false;
        }
        audit.record(actor, "resume", platform, "{\"paused\":true}", "{\"paused\":false}");
        return true;
    }

    /** Reads the table again: this node's view of every node's pauses. Also called after a change made here. */
    @Scheduled(fixedDelay = REFRESH_MS, initialDelay = REFRESH_MS)
    public synchronized void refresh() {
        Set<String> now = Set.copyOf(jdbc.sql("select platform_id from platform_pause").query(String.class).list());
        if (now.equals(paused)) {
            return;
        }
        for (String platform : now) {
            gauges.computeIfAbsent(platform, p -> Gauge.builder(METER, () -> 1)
                    .description("1 while an operator has the platform's scheduled runs paused (absent otherwise)")
                    .tag("platform", p).register(registry));
        }
        gauges.keySet().removeIf(platform -> {
            if (now.contains(platform)) {
                return false;
            }
            registry.remove(gauges.get(platform));
            return true;
        });
        if (paused != null) {
            log.info("paused platforms now: {}", now.isEmpty() ? "none" : new java.util.TreeSet<>(now));
        }
        paused = now;
    }
}
