package cardwatch.monitor.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * When the probes that run on an interval and spend nothing (storefront checks, ICP, reviews) are due. A large fleet
 * has hundreds of these a second; a scheduler trigger for each costs more than the check itself. Instead each is put
 * in one of {@link #COUNT} shards, and each shard's trigger fires once a second, at its own phase within the second,
 * and starts the shard's checks due at that tick.
 *
 * <p>Which checks are due at a tick is computed from the tick's time alone, with no memory of earlier ticks: the same
 * catalog gives the same answer on any node, whichever fired the shard's previous tick. A check's fires are its
 * offset plus whole intervals since the epoch, its offset a hash of its platform and probe, so fires are spread over
 * the interval and stay where they were across restarts. Each fire is delayed by a share of the check's jitter that
 * is a hash of the fire, so it differs from fire to fire. Fires, jitter and intervals fall on whole seconds of the
 * shard's phase: an interval is rounded up to a whole second, a jitter down.
 */
public final class CheckShards {

    /** Shards, so that a second's checks start in ten small groups, not one burst. */
    static final int COUNT = 10;
    /** A shard's trigger fires once per tick. */
    static final long TICK = 1000;

    /** One check: intervals, offset and jitter in milliseconds, on its shard's phase. */
    private record Check(String platform, String probe, long every, long offset, long jitterTicks, long seed) {
    }

    /** A check's run at one fire: {@code planned} is the fire plus its share of the jitter. */
    public record Due(String platform, String probe, Instant fire, Instant planned) {
    }

    private final List<List<Check>> shards = new ArrayList<>(COUNT);

    CheckShards() {
        for (int i = 0; i < COUNT; i++) {
            shards.add(new CopyOnWriteArrayList<>());
        }
    }

    /** Where shard {@code shard}'s ticks fall within each second, in milliseconds. */
    static long phase(int shard) {
        return shard * TICK / COUNT;
    }

    /**
     * Adds {@code platform}'s {@code probe}, run every {@code every} with up to {@code jitter} of delay, in place of
     * any earlier schedule of it.
     */
    void add(String platform, String probe, Duration every, Duration jitter) {
        long seed = seed(platform, probe);
        int shard = shard(platform, probe);
        shards.get(shard).removeIf(c -> c.platform().equals(platform) && c.probe().equals(probe));
        long intervalTicks = Math.max(1, (every.toMillis() + TICK - 1) / TICK);
        long slot = Long.remainderUnsigned(mix(seed), intervalTicks);
        long jitterTicks = Math.min(jitter.toMillis() / TICK, intervalTicks - 1);
        shards.get(shard).add(new Check(platform, probe, intervalTicks * TICK, phase(shard) + slot * TICK,
                jitterTicks, seed));
    }

    /** Removes {@code platform}'s {@code probe}, if it is here. */
    void remove(String platform, String probe) {
        shards.get(shard(platform, probe)).removeIf(c -> c.platform().equals(platform) && c.probe().equals(probe));
    }

    private static int shard(String platform, String probe) {
        return (int) Long.remainderUnsigned(seed(platform, probe), COUNT);
    }

    private static long seed(String platform, String probe) {
        return mix(platform.hashCode() * 31L + probe.hashCode());
    }

    /** The shards that hold any check. */
    List<Integer> used() {
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            if (!shards.get(i).isEmpty()) {
                used.add(i);
            }
        }
        return used;
    }

    int size() {
        return shards.stream().mapToInt(List::size).sum();
    }

    /** The checks of {@code shard} whose planned start is the tick at {@code tick} (epoch milliseconds). */
    List<Due> due(int shard, long tick) {
        List<Due> due = new ArrayList<>();
        for (Check check : shards.get(shard)) {
            // the one fire that can be planned for this tick: the last at or before it (jitter < interval)
            long k = Math.floorDiv(tick - check.offset(), check.every());
            long fire = check.offset() + k * check.every();
            long delay = check.jitterTicks() == 0 ? 0
                    : Long.remainderUnsigned(mix(check.seed() ^ mix(k)), check.jitterTicks() + 1) * TICK;
            if (fire + delay == tick) {
                due.add(new Due(check.platform(), check.probe(), Instant.ofEpochMilli(fire),
                        Instant.ofEpochMilli(tick)));
            }
        }
        return due;
    }

    /** A 64-bit finaliser (SplitMix64's), so that neighbouring ids and fires land far apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
