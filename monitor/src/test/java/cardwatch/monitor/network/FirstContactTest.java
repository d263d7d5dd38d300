package cardwatch.monitor.network;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A platform is unverified until one of its own hosts answers once; that first contact is kept. */
class FirstContactTest {

    private JdbcClient jdbc;
    private final Reachability reach = new Reachability(Clock.systemUTC());
    private final Platform typo = platform("typo", "https://shop.example:8443/api/");
    private final Platform old = platform("old", "https://old.example/");
    private final PlatformCatalog catalog = new PlatformCatalog("test", List.of(typo, old), null);

    private static Platform platform(String id, String url) {
        return new Platform(id, id, id, URI.create(url), "yrapi", "1", Map.of(), null, Map.of(),
                java.math.BigDecimal.TEN);
    }

    @BeforeEach
    void database() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:contact-" + System.nanoTime()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
    }

    private void storedRun(String platform, String outcome, String reason) {
        Instant at = Instant.now().minusSeconds(3600);
        jdbc.sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                + "outcome, reason, status) values (?, 'availability', ?, ?, ?, ?, ?, ?, 'done')")
                .params(platform, at.atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC),
                        at.atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC), outcome, reason).update();
    }

    @Test
    void aPlatformNeverReachedIsUnverifiedUntilItsOwnHostAnswersAndThenForGood() {
        storedRun("typo", "failure", "dns_failed");
        storedRun("typo", "failure", "connect_failed");
        FirstContact contact = new FirstContact(catalog, reach, jdbc);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        contact.bindTo(registry);

        assertThat(contact.verified("typo")).isFalse();
        assertThat(registry.get("cardwatch.platform.unverified").tag("platform", "typo").gauge().value()).isEqualTo(1);
        reach.reached("shop.example:443");
        assertThat(contact.verified("typo")).as("another port of the same name is not its host").isFalse();

        reach.reached("shop.example:8443");
        assertThat(contact.verified("typo")).isTrue();
        assertThat(registry.find("cardwatch.platform.unverified").tag("platform", "typo").gauge())
                .as("a verified platform has no series").isNull();
        assertThat(new FirstContact(catalog, new Reachability(Clock.systemUTC()), jdbc).verified("typo"))
                .as("after a restart").isTrue();
    }

    @Test
    void aRunThatShowsAnAnswerVerifiesAPlatformFromItsHistory() {
        storedRun("old", "failure", "out_of_stock");
        storedRun("typo", "failure", "timeout");
        FirstContact contact = new FirstContact(catalog, reach, jdbc);

        assertThat(contact.verified("old")).isTrue();
        assertThat(contact.verified("typo")).as("a timeout may never have connected").isFalse();
        assertThat(contact.verified("_monitor")).as("no configured platform: not subject to it").isTrue();
    }
}
