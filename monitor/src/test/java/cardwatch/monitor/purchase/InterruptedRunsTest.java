package cardwatch.monitor.purchase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformConfigLoader;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRepository;
import cardwatch.probes.Probes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;

class InterruptedRunsTest {

    @Test
    void atStartAClusterInstanceLeavesYoungRunsToTheInstanceThatMayStillBeRunningThem() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:interrupted-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        RunRepository runs = new RunRepository(db);
        SecretResolver secrets = new SecretResolver(Map.of("GOOD_SHOP_KEY", "k")::get, null);
        Platform shop = new PlatformConfigLoader(Set.of("purchase"), Probes.protocols(),
                new PlatformConfigLoader.Limits(new BigDecimal("10.00"), Duration.ofMinutes(5),
                        ZoneId.of("Asia/Shanghai"), new BigDecimal("10.00")), secrets)
                .load(Path.of("src/test/resources/config/valid.yml")).get(0);
        PlatformCatalog catalog = new PlatformCatalog("test", List.of(shop), secrets);
        Instant begun = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS);
        assertThat(runs.begin(shop.id(), "purchase", begun, begun, begun, "CW000000000000000000000001")).isPresent();

        PurchaseEngine engine = mock(PurchaseEngine.class);
        MockEnvironment cluster = new MockEnvironment();
        cluster.setActiveProfiles("cluster");
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, engine, Clock.systemUTC(), cluster)
                .reconcile(true)).as("another live instance may be running it").isZero();
        verify(engine, never()).adopt(any(), any());

        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, engine, Clock.systemUTC(),
                new MockEnvironment()).reconcile(true)).as("alone, a run begun before the start is a crash's").isOne();
        verify(engine, times(1)).adopt(any(), any());

        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(12));
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, mock(PurchaseEngine.class), later, cluster)
                .reconcile(true)).as("past its confirm deadline (10 m) and a minute, any instance takes it").isOne();
    }
}
