package cardwatch.monitor.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.system.CardwatchProperties;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Alert order through a receiver outage, in simulated time: three flapping platforms open, remind and resolve
 * incidents for 20 minutes; the receivers are down from minute 2 to minute 12, and the service restarts at minute 7
 * (a new {@link AlertHooks} on the same outbox). A webhook-like channel and a chat robot must then each hold every
 * incident's events once, in the order they happened, and drain their queue within 10 s of answering again.
 */
class HookOrderSimulationTest {

    static final int SEEDS = 30;
    static final Instant START = Instant.parse("2026-11-30T00:00:00Z");
    static final long DOWN_FROM = 120;
    static final long DOWN_UNTIL = 720;
    static final long RESTART_AT = 420;
    static final long EVENTS_UNTIL = 1200;

    private static JdbcClient jdbc;
    private static HookOutbox outbox;

    @BeforeAll
    static void database() {
        DataSource db = new DriverManagerDataSource("jdbc:h2:mem:hook-order;DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
        outbox = new HookOutbox(jdbc);
    }

    /** A receiver that is down (no connection) while {@code down}; what it took, with the simulated second. */
    static final class Receiver implements AlertChannel {
        final String name;
        final boolean groups;
        boolean down;
        int tries;
        final List<Long> times = new ArrayList<>();
        final List<Notice> got = new ArrayList<>();
        private final AlertHooksTest.MutableTestClock clock;

        Receiver(String name, boolean groups, AlertHooksTest.MutableTestClock clock) {
            this.name = name;
            this.groups = groups;
            this.clock = clock;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean groups() {
            return groups;
        }

        @Override
        public void send(Notice notice) throws IOException {
            tries++;
            if (down) {
                throw new IOException("Connection refused");
            }
            times.add(Duration.between(START, clock.instant()).toSeconds());
            got.add(notice);
        }
    }

    /** What the monitor wrote: each incident's events in order, with the second each was queued. */
    record Sent(long incident, String platform, String event, String key, long second) {
    }

    @Test
    void everyIncidentsEventsArriveOnceInOrderAndTheQueueDrainsWithinTenSecondsOfTheReceiverAnswering() {
        int collapsed = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            collapsed += simulate(seed);
        }
        assertThat(collapsed).as("chat robots got some opened+resolved pairs as one message").isPositive();
    }

    /** One seed's run; returns how many chat messages told an opened and a resolved at once. */
    private int simulate(int seed) {
        jdbc.sql("delete from hook_outbox").update();
        jdbc.sql("delete from hook_channel").update();
        Random random = new Random(seed);
        AlertHooksTest.MutableTestClock clock = new AlertHooksTest.MutableTestClock(START);
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.hooks.group-window", "30s", "cardwatch.hooks.first-retry", "5s",
                "cardwatch.hooks.max-retry-delay", "30m")))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        Receiver webhook = new Receiver("webhook", false, clock);
        Receiver chat = new Receiver("dingtalk", true, clock);
        List<AlertChannel> channels = List.of(webhook, chat);
        AlertHooks hooks = new AlertHooks(outbox, properties, clock, 8080, channels, false);

        String[] platforms = {"flap-a", "flap-b", "flap-c"};
        Map<String, Long> open = new LinkedHashMap<>();
        Map<String, Long> lastReminder = new LinkedHashMap<>();
        List<Sent> sent = new ArrayList<>();
        long nextId = 1;
        long firstAnswer = -1;
        for (long second = 0; second <= EVENTS_UNTIL + 3600; second++) {
            Instant now = START.plusSeconds(second);
            clock.advance(Duration.between(clock.instant(), now));
            webhook.down = chat.down = second >= DOWN_FROM && second < DOWN_UNTIL;
            if (second == RESTART_AT) { // what a restart keeps is in the database
                hooks = new AlertHooks(outbox, properties, clock, 8080, channels, false);
            }
            for (String platform : second < EVENTS_UNTIL ? platforms : new String[0]) {
                Long id = open.get(platform);
                if (id == null && random.nextDouble() < 1 / 60.0) {
                    long incident = nextId++;
                    open.put(platform, incident);
                    lastReminder.put(platform, second);
                    hooks.enqueue(incident, "opened", platform, platform, "purchase", "duplicate_charge", now, now);
                    sent.add(new Sent(incident, platform, "opened", key(incident, "opened", now), second));
                } else if (id != null && random.nextDouble() < 1 / 45.0) {
                    open.remove(platform);
                    hooks.enqueue(id, "resolved", platform, platform, "purchase", "duplicate_charge", now, now);
                    sent.add(new Sent(id, platform, "resolved", key(id, "resolved", now), second));
                } else if (id != null && second - lastReminder.get(platform) >= 120) {
                    lastReminder.put(platform, second);
                    hooks.enqueue(id, "reminder", platform, platform, "purchase", "duplicate_charge", now, now);
                    sent.add(new Sent(id, platform, "reminder", key(id, "reminder", now), second));
                }
            }
            hooks.deliverDue();
            if (firstAnswer < 0 && second >= DOWN_UNTIL && !webhook.times.isEmpty()
                    && webhook.times.get(webhook.times.size() - 1) >= DOWN_UNTIL) {
                firstAnswer = second;
            }
            if (second > EVENTS_UNTIL && outbox.undelivered() == 0) {
                break;
            }
        }
        String at = "seed " + seed;
        assertThat(outbox.undelivered()).as(at + ": nothing left queued").isZero();

        // the webhook: every message once, each incident's in the order they happened
        List<String> keys = webhook.got.stream().map(Notice::key).toList();
        assertThat(keys).as(at + ": no duplicates, none lost").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(Sent::key).toList());
        for (long incident = 1; incident < nextId; incident++) {
            long i = incident;
            assertThat(webhook.got.stream().filter(n -> n.incidentId() == i).map(Notice::key).toList())
                    .as(at + ": incident " + i + " in order")
                    .containsExactlyElementsOf(sent.stream().filter(s -> s.incident() == i).map(Sent::key).toList());
        }
        // its final state is the monitor's
        for (String platform : platforms) {
            List<Notice> told = webhook.got.stream().filter(n -> n.platform().equals(platform)).toList();
            boolean openAtReceiver = !told.isEmpty() && !told.get(told.size() - 1).resolved();
            assertThat(openAtReceiver).as(at + ": " + platform + " open at the receiver")
                    .isEqualTo(open.containsKey(platform));
        }

        // the chat robot: per platform the same story, "故障已发生并已恢复" standing for an opened and its resolved
        int collapsed = 0;
        Map<String, List<String>> read = new LinkedHashMap<>();
        for (Notice message : chat.got) {
            for (String part : message.text().split("\n\n")) {
                String title = part.lines().findFirst().orElse("");
                if (!title.startsWith("【Cardwatch】") || title.matches("【Cardwatch】\\d+ 条告警")) {
                    continue;
                }
                String platform = title.replaceAll(".*：(flap-[abc]) .*", "$1");
                List<String> story = read.computeIfAbsent(platform, p -> new ArrayList<>());
                if (title.startsWith("【Cardwatch】故障已发生并已恢复：")) {
                    story.addAll(List.of("opened", "resolved"));
                    collapsed++;
                } else if (title.startsWith("【Cardwatch】已恢复：")) {
                    story.add("resolved");
                } else if (title.startsWith("【Cardwatch】仍未恢复：")) {
                    story.add("reminder");
                } else {
                    story.add("opened");
                }
                assertThat(part).as(at + ": plain words, not codes").contains("原因：重复扣款")
                        .doesNotContain("duplicate_charge");
            }
        }
        for (String platform : platforms) {
            assertThat(read.getOrDefault(platform, List.of())).as(at + ": chat story of " + platform)
                    .containsExactlyElementsOf(sent.stream().filter(s -> s.platform().equals(platform))
                            .map(Sent::event).toList());
        }

        // the outage: one try per backoff, not one per message; then the queue drains at once
        assertThat(firstAnswer).as(at + ": the webhook answered again").isGreaterThanOrEqualTo(DOWN_UNTIL);
        for (int n = 0; n < webhook.got.size(); n++) {
            String key = webhook.got.get(n).key();
            Sent s = sent.stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
            if (s.second() <= firstAnswer) {
                assertThat(webhook.times.get(n)).as(at + ": " + s.key() + " queued before the receiver answered")
                        .isLessThanOrEqualTo(firstAnswer + 10);
            }
        }
        long answered = firstAnswer;
        assertThat(sent.stream().filter(s -> s.second() + 30 <= answered).count()).as(at + ": the outage queued messages").isPositive();
        assertThat(webhook.tries - webhook.got.size()).as(at + ": failed tries in 10 minutes down")
                .isLessThanOrEqualTo(12);
        return collapsed;
    }

    private static String key(long incident, String event, Instant at) {
        return "cardwatch-incident-" + incident + "-" + event + "-" + at.toEpochMilli();
    }
}
