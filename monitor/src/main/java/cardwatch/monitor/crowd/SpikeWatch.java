package cardwatch.monitor.crowd;

import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.CardwatchProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends a surge of buyers' reports to the alert hooks when {@code cardwatch.reports.spike-alerts} is on: every
 * {@link #EVERY}, each platform with at least {@link SpikeDetector#MIN_REPORTS} visible reports in the last hour is
 * held to {@link SpikeDetector} against its week before; a spike is sent once per platform per {@link #QUIET}, as a
 * warning (routes may leave warnings out) whose words say it is buyers' reports, not a measured failure.
 */
@Component
public class SpikeWatch {

    static final Duration EVERY = Duration.ofMinutes(5);
    static final Duration QUIET = Duration.ofHours(6);

    private final JdbcClient jdbc;
    private final PlatformCatalog catalog;
    private final AlertHooks hooks;
    private final Clock clock;
    private final boolean enabled;
    private final Map<String, Instant> sent = new ConcurrentHashMap<>();

    public SpikeWatch(JdbcClient jdbc, PlatformCatalog catalog, AlertHooks hooks, Clock clock,
            CardwatchProperties properties) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.hooks = hooks;
        this.clock = clock;
        this.enabled = properties.reports().spikeAlerts();
    }

    /** Looks for spikes and sends the new ones; how many were sent. */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    public int check() {
        if (!enabled) {
            return 0;
        }
        Instant now = clock.instant();
        Instant hourAgo = now.minus(Duration.ofHours(1));
        Instant weekAgo = hourAgo.minus(ReportDesk.BASELINE);
        int count = 0;
        for (Map<String, Object> row : jdbc.sql("select platform_id as platform, sum(case when received_at > ? then 1 "
                        + "else 0 end) as last_hour, count(*) as week from crowd_report where not hidden "
                        + "and received_at > ? group by platform_id")
                .params(hourAgo.atOffset(ZoneOffset.UTC), weekAgo.atOffset(ZoneOffset.UTC)).query().listOfRows()) {
            String platform = (String) row.get("platform");
            long last = ((Number) row.get("last_hour")).longValue();
            long before = ((Number) row.get("week")).longValue() - last;
            if (catalog.find(platform).isEmpty()) {
                continue; // removed since
            }
            double baseline = before / (double) ReportDesk.BASELINE.toHours();
            Instant previous = sent.get(platform);
            if (!SpikeDetector.spike(last, baseline) || previous != null && previous.isAfter(now.minus(QUIET))) {
                continue;
            }
            String name = catalog.find(platform).map(p -> "en".equals(hooks.language()) ? p.nameEn() : p.nameZh())
                    .orElse(platform);
            String words = "en".equals(hooks.language())
                    ? last + " buyers' reports in the last hour, against about " + String.format("%.1f", baseline)
                            + " an hour the week before (reports are unchecked: see the platform's page)"
                    : "过去一小时 " + last + " 份用户报告，前一周平均每小时约 " + String.format("%.1f", baseline)
                            + " 份（用户报告未经核实，请看平台页面上的测试数据）";
            hooks.enqueue(new Notice("cardwatch-reports-" + platform + "-" + now.truncatedTo(ChronoUnit.HOURS)
                    .toEpochMilli(), 0, "opened", platform, name, "reports", words, hourAgo, now,
                    hooks.linkBase() + "/platforms/" + platform + "/now", hooks.language(),
                    "cardwatch-reports-" + platform, "warning"));
            sent.put(platform, now);
            count++;
        }
        return count;
    }
}
