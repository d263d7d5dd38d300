package cardwatch.monitor.crowd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import cardwatch.monitor.hooks.AlertHooks;
import cardwatch.monitor.hooks.Notice;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.MutableClock;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A surge of reports reaches the hooks once, in words, only when asked for; a steady trickle never does. */
class SpikeWatchTest {

    private final DriverManagerDataSource db = new DriverManagerDataSource(
            "jdbc:h2:mem:spikes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final MutableClock clock = new MutableClock();
    private final JdbcClient jdbc;
    private final AlertHooks hooks = mock(AlertHooks.class);
    private final PlatformCatalog catalog = new PlatformCatalog("test", List.of(platform("surging"),
            platform("steady")), new SecretResolver(name -> null, null));

    {
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
        when(hooks.language()).thenReturn("zh");
        when(hooks.linkBase()).thenReturn("https://cardwatch.example");
    }

    private static Platform platform(String id) {
        return new Platform(id, "平台" + id, id, URI.create("http://127.0.0.1:1/"), "yrapi", "1", Map.of(), null,
                Map.of(), BigDecimal.TEN);
    }

    private SpikeWatch watch(boolean on) {
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.reports.spike-alerts", Boolean.toString(on))))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        return new SpikeWatch(jdbc, catalog, hooks, clock, properties);
    }

    private void reports(String platform, int count, Duration ago) {
        for (int i = 0; i < count; i++) {
            jdbc.sql("insert into crowd_report (platform_id, symptom, happened_at, reporter_hash, received_at) "
                            + "values (?, 'not_received', ?, ?, ?)")
                    .params(platform, clock.instant().minus(ago).atOffset(ZoneOffset.UTC), "r" + i,
                            clock.instant().minus(ago).atOffset(ZoneOffset.UTC)).update();
        }
    }

    @Test
    void aSurgeIsSentOnceAsAWarningInWordsAndASteadyPlatformNever() {
        reports("steady", 6, Duration.ofMinutes(20)); // 6 in the last hour, but ~6 an hour all week
        for (int h = 2; h < 7 * 24; h += 1) {
            reports("steady", 6, Duration.ofHours(h));
        }
        reports("surging", 2, Duration.ofDays(3));
        reports("surging", 9, Duration.ofMinutes(30));
        SpikeWatch watch = watch(true);

        assertThat(watch.check()).isEqualTo(1);

        ArgumentCaptor<Notice> sent = ArgumentCaptor.forClass(Notice.class);
        verify(hooks).enqueue(sent.capture());
        Notice notice = sent.getValue();
        assertThat(notice.platform()).isEqualTo("surging");
        assertThat(notice.severity()).isEqualTo("warning");
        assertThat(notice.title()).isEqualTo("【Cardwatch】用户报告激增：平台surging");
        assertThat(notice.text()).contains("原因：过去一小时 9 份用户报告");
        assertThat(notice.cause()).startsWith("过去一小时 9 份用户报告").contains("未经核实");
        assertThat(notice.link()).isEqualTo("https://cardwatch.example/platforms/surging/now");

        assertThat(watch.check()).as("sent once per quiet period").isZero();
        clock.advance(SpikeWatch.QUIET.plusMinutes(1));
        reports("surging", 9, Duration.ofMinutes(10));
        assertThat(watch.check()).as("a new surge after the quiet period").isOne();
        verify(hooks, times(2)).enqueue(any(Notice.class));
    }

    @Test
    void nothingIsSentUnlessAskedFor() {
        reports("surging", 20, Duration.ofMinutes(5));
        assertThat(watch(false).check()).isZero();
        verify(hooks, never()).enqueue(any(Notice.class));
        jdbc.sql("update crowd_report set hidden = true").update();
        assertThat(watch(true).check()).as("hidden reports count for nothing").isZero();
    }
}
