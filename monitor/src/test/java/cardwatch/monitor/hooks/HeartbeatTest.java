package cardwatch.monitor.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The dead man's switch: silence after heartbeats raises the alarm through our own channels, once, then resolves. */
class HeartbeatTest {

    @Test
    void silenceAfterHeartbeatsSendsOneAlarmAndTheirReturnResolvesIt() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:heartbeat-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.hooks.relay-token", "t0ken", "cardwatch.hooks.group-window", "0s",
                "cardwatch.hooks.heartbeat-timeout", "5m", "cardwatch.hooks.language", "en")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        RecordingChannel recorder = new RecordingChannel("recorder");
        List<Notice> sent = recorder.sent();
        MutableClock clock = new MutableClock();
        AlertHooks hooks = new AlertHooks(new HookOutbox(JdbcClient.create(db)), properties, clock, 8080,
                List.of(recorder), false);
        JdbcClient jdbc = JdbcClient.create(db);
        Heartbeat heartbeat = new Heartbeat(hooks, new RelayToken(properties), clock, properties, jdbc);

        clock.advance(Duration.ofHours(1));
        heartbeat.check();
        hooks.deliverDue();
        assertThat(sent).as("no heartbeat ever heard: nothing to miss").isEmpty();

        assertThat(heartbeat.beat("Bearer wrong").getStatusCode().value()).isEqualTo(401);
        assertThat(heartbeat.beat("Bearer t0ken").getStatusCode().value()).isEqualTo(202);
        clock.advance(Duration.ofMinutes(4));
        heartbeat.check();
        hooks.deliverDue();
        assertThat(sent).as("4 minutes of silence is within the timeout").isEmpty();

        clock.advance(Duration.ofMinutes(2));
        heartbeat.check();
        heartbeat.check();
        hooks.deliverDue();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).event()).isEqualTo("opened");
        assertThat(sent.get(0).severity()).isEqualTo("critical");
        assertThat(sent.get(0).text()).contains("Alerting pipeline", "no heartbeat from Alertmanager");

        clock.advance(Duration.ofMinutes(30));
        heartbeat.beat("Bearer t0ken");
        hooks.deliverDue();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).event()).isEqualTo("resolved");
        assertThat(sent.get(1).thread()).isEqualTo(sent.get(0).thread());

        // Cardwatch restarts while Alertmanager is down: the switch stays armed
        Heartbeat restarted = new Heartbeat(hooks, new RelayToken(properties), clock, properties, jdbc);
        clock.advance(Duration.ofMinutes(6));
        restarted.check();
        hooks.deliverDue();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).event()).isEqualTo("opened");
    }
}
