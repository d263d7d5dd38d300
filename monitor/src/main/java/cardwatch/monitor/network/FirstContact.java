package cardwatch.monitor.network;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import cardwatch.monitor.platform.PlatformMeters;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Whether a platform has ever answered since it was added: one of its own hosts accepted a connection once. Until
 * then it is unverified: a URL with a typo and a site that vanished before we watched it look the same, so it is shown
 * as "尚未连通，未验证", opens no incident, pages nobody and gets no grade. The operator is told at start and every hour,
 * with the URL, and by {@code cardwatch_platform_unverified{platform}}. Once it has answered, the normal rules apply for
 * good (the first contact is stored; older runs that show an answer count too).
 */
@Component
public class FirstContact implements PlatformMeters {

    private static final Logger log = LoggerFactory.getLogger(FirstContact.class);

    /** Reasons a run can only have after the platform answered: its history proves a first contact. */
    static final List<String> ANSWERED_REASONS = List.of("payment_failed", "callback_lost", "stuck_processing",
            "upstream_failed", "duplicate_charge", "not_delivered", "out_of_stock", "risk_rejected", "protocol_error",
            "compliance", "tls_failed");

    private final PlatformCatalog catalog;
    private final Reachability reach;
    private final JdbcClient jdbc;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
    private final Map<String, Gauge> unverifiedGauges = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public FirstContact(PlatformCatalog catalog, Reachability reach, JdbcClient jdbc) {
        this.catalog = catalog;
        this.reach = reach;
        this.jdbc = jdbc;
        verified.addAll(jdbc.sql("select platform_id from platform_contact").query(String.class).list());
        for (Platform platform : catalog.all()) {
            if (!verified.contains(platform.id())) {
                jdbc.sql("select max(ended_at) from probe_run where platform_id = ? and (outcome = 'success' "
                        + "or outcome = 'failure' and reason in (" + String.join(", ",
                                ANSWERED_REASONS.stream().map(r -> "'" + r + "'").toList()) + "))")
                        .param(platform.id()).query(OffsetDateTime.class).optional()
                        .ifPresent(at -> remember(platform.id(), at.toInstant()));
            }
        }
    }

    /**
     * Whether the platform has answered at least once; checks what the probes reached since the last question. An id
     * that is no configured platform (the monitor's own pseudo platform) is not subject to this.
     */
    public boolean verified(String platform) {
        if (verified.contains(platform) || catalog.find(platform).isEmpty()) {
            return true;
        }
        Instant first = catalog.find(platform).map(Platform::ownAuthorities).orElse(Set.of()).stream()
                .map(reach::lastReached).filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
        if (first == null) {
            return false;
        }
        remember(platform, first);
        log.info("platform {} answered for the first time ({}): it is verified, and the normal rules apply", platform,
                catalog.find(platform).map(Platform::baseUrl).orElse(null));
        return true;
    }

    private void remember(String platform, Instant at) {
        if (verified.add(platform)) {
            dropGauge(platform);
            try {
                jdbc.sql("insert into platform_contact (platform_id, first_reached_at) values (?, ?)")
                        .params(platform, at.atOffset(ZoneOffset.UTC)).update();
            } catch (DuplicateKeyException e) {
                // another node or an earlier call stored it first
            }
        }
    }

    /** At start and every hour: each platform that has been probed and never answered, with its URL. */
    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(fixedDelayString = "${cardwatch.unverified-report-every:1h}",
            initialDelayString = "${cardwatch.unverified-report-every:1h}")
    public void report() {
        for (Platform platform : catalog.all()) {
            if (verified(platform.id())) {
                continue;
            }
            List<String> last = jdbc.sql("select reason from probe_run where platform_id = ? and outcome = 'failure' "
                    + "order by id desc limit 1").param(platform.id()).query(String.class).list();
            if (last.isEmpty()) {
                continue;
            }
            long runs = jdbc.sql("select count(*) from probe_run where platform_id = ? and outcome = 'failure'")
                    .param(platform.id()).query(Long.class).single();
            log.warn("platform {} has not answered once since it was added: {} ({} failed runs, the last {}); check "
                    + "its URL. It is shown as unverified, gets no grade and pages nobody until it answers",
                    platform.id(), platform.baseUrl(), runs, last.get(0));
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        catalog.all().forEach(p -> bind(registry, p));
    }

    @Override
    public void bind(MeterRegistry registry, Platform platform) {
        if (!verified.contains(platform.id())) {
            unverifiedGauges.computeIfAbsent(platform.id(), id -> Gauge.builder("cardwatch.platform.unverified",
                    () -> 1).description("1 while the platform has never answered since it was added (shown as "
                            + "unverified, no incidents, no grade); no series once it has")
                    .tag("platform", id).register(registry));
        }
    }

    @Override
    public void forget(java.util.Set<String> platforms, boolean removed) {
        unverifiedGauges.keySet().removeAll(platforms);
    }

    /** A platform that answered loses its series: a verified platform (nearly all of them) costs none. */
    private void dropGauge(String platform) {
        Gauge gauge = unverifiedGauges.remove(platform);
        MeterRegistry meters = registry;
        if (gauge != null && meters != null) {
            meters.remove(gauge);
        }
    }
}
