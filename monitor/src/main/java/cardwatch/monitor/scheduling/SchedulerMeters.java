package cardwatch.monitor.scheduling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** The scheduler's own health: how late runs start, and runs it had to skip. */
@Component
class SchedulerMeters implements MeterBinder {

    static final String LAG = "cardwatch.scheduler.lag";
    static final String SKIPPED = "cardwatch.scheduler.skipped";
    static final String OVERLAP = "overlap";
    static final String QUEUE_FULL = "queue_full";
    static final String ALREADY_RUN = "already_run";

    private volatile Timer lag;
    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        this.lag = Timer.builder(LAG).description("Planned start (fire time plus jitter) to actual start")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60))
                .register(registry);
        for (String reason : new String[] {OVERLAP, QUEUE_FULL, ALREADY_RUN}) {
            skipped(reason);
        }
    }

    void lag(Duration late) {
        lag.record(late.isNegative() ? Duration.ZERO : late);
    }

    void skipped(String reason) {
        Counter.builder(SKIPPED).description("Scheduled runs not started: overlap, queue_full or already_run")
                .tag("reason", reason).register(registry);
    }

    void skip(String reason) {
        registry.counter(SKIPPED, "reason", reason).increment();
    }
}
