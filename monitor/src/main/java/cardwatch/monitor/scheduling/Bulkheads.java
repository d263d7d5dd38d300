package cardwatch.monitor.scheduling;

import cardwatch.monitor.system.CardwatchProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Where probe work runs: one bounded pool per probe kind, so no kind takes the others' threads, and at most
 * {@code per-host} tasks at once per target host (many 发卡 sites share one SaaS host or address, and we stay
 * polite), so no host takes its kind's threads. A task over its host's limit waits in the host's line, holding no
 * thread, and starts when one of the host's tasks ends.
 */
@Component
public class Bulkheads implements DisposableBean, MeterBinder {

    static final String ACTIVE = "cardwatch.probe.pool.active";
    static final String QUEUED = "cardwatch.probe.pool.queued";

    private final int defaultThreads;
    private final int queue;
    private final int perHost;
    private final Map<String, Integer> kindThreads;
    private final Map<String, ThreadPoolExecutor> pools = new ConcurrentHashMap<>();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public Bulkheads(CardwatchProperties properties) {
        this.defaultThreads = properties.probePool().threads();
        this.queue = properties.probePool().queue();
        this.perHost = properties.probePool().perHost();
        this.kindThreads = properties.probePool().kindThreads();
    }

    /** A piece of work and what to do when there is no room for it. */
    public interface Task extends Runnable {
        /** Called instead of {@link #run()} when the kind's queue is full. */
        void rejected();
    }

    /**
     * Runs {@code task} on {@code kind}'s pool once {@code host} has room.
     *
     * @return false when the kind's queue is full: the task was not taken and {@link Task#rejected()} is not called
     */
    public boolean submit(String kind, String host, Task task) {
        Lane lane = lanes.computeIfAbsent(kind + " " + host.toLowerCase(Locale.ROOT), k -> new Lane(pool(kind)));
        synchronized (lane) {
            if (lane.running >= perHost) {
                lane.waiting.add(task);
                return true;
            }
            lane.running++;
        }
        try {
            lane.pool.execute(() -> runThenNext(lane, task));
            return true;
        } catch (RejectedExecutionException e) {
            synchronized (lane) {
                lane.running--;
            }
            return false;
        }
    }

    private void runThenNext(Lane lane, Task task) {
        try {
            task.run();
        } finally {
            Task next;
            synchronized (lane) {
                next = lane.waiting.poll();
                if (next == null) {
                    lane.running--;
                }
            }
            if (next != null) {
                Task started = next;
                try {
                    lane.pool.execute(() -> runThenNext(lane, started));
                } catch (RejectedExecutionException e) {
                    synchronized (lane) {
                        lane.running--;
                    }
                    started.rejected();
                }
            }
        }
    }

    /** The host a platform's probes go to, as {@code host:port}: the unit of the per-host limit. */
    public static String host(cardwatch.monitor.platform.Platform platform) {
        java.net.URI url = platform.baseUrl();
        return url == null || url.getHost() == null ? "" : url.getHost() + ":" + url.getPort();
    }

    private ThreadPoolExecutor pool(String kind) {
        return pools.computeIfAbsent(kind, k -> {
            int threads = kindThreads.getOrDefault(k, defaultThreads);
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
                    new ArrayBlockingQueue<>(queue), named("probe-" + k), new ThreadPoolExecutor.AbortPolicy());
            MeterRegistry meters = registry;
            if (meters != null) {
                gauges(meters, k, pool);
            }
            return pool;
        });
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        pools.forEach((kind, pool) -> gauges(registry, kind, pool));
    }

    private static void gauges(MeterRegistry registry, String kind, ThreadPoolExecutor pool) {
        Gauge.builder(ACTIVE, pool, ThreadPoolExecutor::getActiveCount).tag("kind", kind)
                .description("Probe tasks running, per probe kind").register(registry);
        Gauge.builder(QUEUED, pool, p -> p.getQueue().size()).tag("kind", kind)
                .description("Probe tasks waiting for a thread, per probe kind").register(registry);
    }

    @Override
    public void destroy() throws InterruptedException {
        pools.values().forEach(ThreadPoolExecutor::shutdownNow);
        for (ThreadPoolExecutor pool : pools.values()) {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One kind's work for one host: how many run, and the line of those waiting for room. */
    private static final class Lane {
        final ThreadPoolExecutor pool;
        final ArrayDeque<Task> waiting = new ArrayDeque<>();
        int running;

        Lane(ThreadPoolExecutor pool) {
            this.pool = pool;
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
