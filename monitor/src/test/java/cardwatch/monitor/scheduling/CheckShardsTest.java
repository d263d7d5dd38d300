package cardwatch.monitor.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every tick of every shard over simulated hours: what each check's fires and planned starts are. */
class CheckShardsTest {

    private static final long START = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();

    /** Every shard's every tick from {@code from} for {@code span}, in time order; what came due, by check. */
    private static Map<String, List<CheckShards.Due>> run(CheckShards shards, long from, Duration span,
            List<Integer> perTick) {
        Map<String, List<CheckShards.Due>> byCheck = new HashMap<>();
        for (long second = from; second < from + span.toMillis(); second += CheckShards.TICK) {
            for (int shard = 0; shard < CheckShards.COUNT; shard++) {
                long tick = second + CheckShards.phase(shard);
                List<CheckShards.Due> due = shards.due(shard, tick);
                perTick.add(due.size());
                for (CheckShards.Due d : due) {
                    assertThat(d.planned()).isEqualTo(Instant.ofEpochMilli(tick));
                    byCheck.computeIfAbsent(d.platform() + "/" + d.probe(), k -> new ArrayList<>()).add(d);
                }
            }
        }
        return byCheck;
    }

    @Test
    void everyCheckRunsOncePerIntervalWithinItsJitterAndNeverTwice() {
        CheckShards shards = new CheckShards();
        Map<String, Duration> every = new HashMap<>();
        Map<String, Duration> jitter = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            Duration e = List.of(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(15)).get(i % 3);
            Duration j = List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10)).get(i % 5 % 3);
            shards.add("p" + i, "availability", e, j);
            every.put("p" + i + "/availability", e);
            jitter.put("p" + i + "/availability", j);
        }
        List<Integer> perTick = new ArrayList<>();

        Map<String, List<CheckShards.Due>> runs = run(shards, START, Duration.ofMinutes(30), perTick);

        assertThat(runs).hasSize(1000);
        runs.forEach((check, due) -> {
            long e = every.get(check).toMillis();
            long j = jitter.get(check).toMillis();
            // planned starts in the window: a fire just before it may be planned inside it
            assertThat(due).hasSizeBetween((int) (1_800_000 / e) - 1, (int) (1_800_000 / e) + 1);
            Set<Long> delays = new HashSet<>();
            for (int n = 0; n < due.size(); n++) {
                long fire = due.get(n).fire().toEpochMilli();
                long delay = due.get(n).planned().toEpochMilli() - fire;
                assertThat(delay).as(check).isBetween(0L, j);
                delays.add(delay);
                if (n > 0) { // consecutive fires, none missed, none twice
                    assertThat(fire - due.get(n - 1).fire().toEpochMilli()).as(check).isEqualTo(e);
                }
            }
            if (j >= 5000) {
                assertThat(delays).as("the jitter differs from fire to fire: " + check).hasSizeGreaterThan(1);
            }
        });
        // 1000 checks at these intervals: about 39 a second, 3.9 a tick of the ten shards; hashing spreads them
        double mean = perTick.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertThat(mean).isBetween(3.5, 4.3);
        assertThat(perTick.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(20);
    }

    @Test
    void theSameCatalogGivesTheSameFiresOnAnyNodeAndAfterARestart() {
        CheckShards one = new CheckShards();
        CheckShards other = new CheckShards();
        for (int i = 0; i < 200; i++) {
            one.add("p" + i, "availability", Duration.ofSeconds(30), Duration.ofSeconds(5));
        }
        for (int i = 199; i >= 0; i--) { // another order of reading
            other.add("p" + i, "availability", Duration.ofSeconds(30), Duration.ofSeconds(5));
        }
        for (long second = START; second < START + 120_000; second += CheckShards.TICK) {
            for (int shard = 0; shard < CheckShards.COUNT; shard++) {
                long tick = second + CheckShards.phase(shard);
                assertThat(new HashSet<>(other.due(shard, tick))).isEqualTo(new HashSet<>(one.due(shard, tick)));
            }
        }
    }

    @Test
    void addingACheckAgainReplacesItsScheduleAndTicksOffThePhaseFindNothing() {
        CheckShards shards = new CheckShards();
        shards.add("p", "availability", Duration.ofSeconds(30), Duration.ZERO);
        shards.add("p", "availability", Duration.ofSeconds(60), Duration.ZERO);

        Map<String, List<CheckShards.Due>> runs = run(shards, START, Duration.ofMinutes(10), new ArrayList<>());

        assertThat(shards.size()).isEqualTo(1);
        assertThat(runs.get("p/availability")).hasSize(10);
        int shard = shards.used().get(0);
        CheckShards.Due due = runs.get("p/availability").get(0);
        assertThat(shards.due(shard, due.planned().toEpochMilli() + 1)).isEmpty();
    }

    @Test
    void anIntervalIsRoundedUpToAWholeSecondAndAJitterDown() {
        CheckShards shards = new CheckShards();
        shards.add("p", "availability", Duration.ofMillis(10_500), Duration.ofMillis(1_900));

        List<CheckShards.Due> due = run(shards, START, Duration.ofMinutes(10), new ArrayList<>()).get("p/availability");

        for (int n = 1; n < due.size(); n++) {
            assertThat(Duration.between(due.get(n - 1).fire(), due.get(n).fire())).isEqualTo(Duration.ofSeconds(11));
        }
        assertThat(due).allSatisfy(d -> assertThat(Duration.between(d.fire(), d.planned()))
                .isIn(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
