package cardwatch.monitor.purchase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformConfigLoader;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.run.RunGuard;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.CardwatchProperties;
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
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;

class InterruptedRunsTest {

    @Test
    void aClusterInstanceTakesARunOnlyOnceItsOwnersLeaseHasRunOutAndOnlyOneInstanceTakesIt() {
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
        Clock now = Clock.systemUTC();
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, engine, now, cluster, leases(runs, "b", now))
                .reconcile(true)).as("begun 10 s ago and not yet renewed: its owner may be alive").isZero();
        verify(engine, never()).adopt(any(), any());

        // its owner renews the lease: however old the run, no other instance takes it while the lease holds
        runs.renew(List.of(runs.unfinished("purchase").get(0).id()), "a", Instant.now().plusSeconds(60));
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(35)); // unrenewed, it would be free
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, engine, later, cluster,
                leases(runs, "b", later)).reconcile(true)).isZero();

        // the owner stopped renewing (killed): once the lease has run out, one instance claims the run and takes it
        Clock expired = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(70));
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, engine, expired, cluster,
                leases(runs, "b", expired)).reconcile(false)).isOne();
        verify(engine, times(1)).adopt(any(), any());
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, mock(PurchaseEngine.class), expired, cluster,
                leases(runs, "c", expired)).reconcile(false)).as("b holds it now").isZero();

        // a, stalled past its lease, wakes: its renewal does not take the run back, and its next step finds it gone
        long id = runs.unfinished("purchase").get(0).id();
        assertThat(runs.renew(List.of(id), "a", Instant.now().plusSeconds(60))).isZero();
        assertThat(runs.takenFrom(List.of(id), "a")).containsExactly(id);
        assertThat(runs.hold(id, "a", Instant.now().plusSeconds(60))).as("a may not step it").isFalse();
        assertThat(runs.hold(id, "b", Instant.now().plusSeconds(60))).as("b may").isTrue();
        assertThat(runs.takenFrom(List.of(id), "b")).isEmpty();
        PurchaseEngine stalled = mock(PurchaseEngine.class);
        when(stalled.runIds()).thenReturn(List.of(id));
        RunLeases aLeases = leases(runs, "a", Clock.systemUTC(), stalled);
        aLeases.renew();
        verify(stalled).lost(List.of(id));

        // alone, a run begun before the start is a crash's, whoever held it
        assertThat(new InterruptedRuns(runs, new RunGuard(), catalog, mock(PurchaseEngine.class), now,
                new MockEnvironment(), leases(runs, "solo", now)).reconcile(true)).isOne();
    }

    private static RunLeases leases(RunRepository runs, String node, Clock clock) {
        return leases(runs, node, clock, mock(PurchaseEngine.class));
    }

    private static RunLeases leases(RunRepository runs, String node, Clock clock, PurchaseEngine engine) {
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.cluster.node", node, "cardwatch.cluster.lease", "30s")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        RunLeases leases = new RunLeases(runs, engine, clock, properties, new MockEnvironment());
        leases.destroy();
        return leases;
    }
}
