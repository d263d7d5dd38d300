package cardwatch.monitor.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** A platform's first result asks for a refresh seconds later; many first results share one, spaced by its cost. */
class FirstResultsTest {

    private final ScheduledExecutorService timer = mock(ScheduledExecutorService.class);
    private final AtomicInteger refreshes = new AtomicInteger();
    private final FirstResults first = new FirstResults(timer, refreshes::incrementAndGet);
    private final ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
    private final ArgumentCaptor<Long> delay = ArgumentCaptor.forClass(Long.class);

    @Test
    void theFirstRunOfAPlatformAsksForARefreshTwoSecondsLaterAndLaterRunsDoNot() {
        assertThat(first.ran("a", 0)).isTrue();
        verify(timer).schedule(task.capture(), delay.capture(), eq(TimeUnit.NANOSECONDS));
        assertThat(Duration.ofNanos(delay.getValue())).isEqualTo(FirstResults.SETTLE);

        assertThat(first.ran("b", 10)).as("one is pending: b's result comes with it").isFalse();
        task.getValue().run();
        assertThat(refreshes).hasValue(1);
        assertThat(first.ran("a", 20)).as("a asked already").isFalse();
        assertThat(first.ran("b", 30)).as("b came with a's refresh and asks no more").isFalse();
        verify(timer, times(1)).schedule(any(Runnable.class), anyLong(), any());
    }

    @Test
    void aNewPlatformAfterAnExpensiveRefreshWaitsFiveTimesItsDuration() {
        long second = Duration.ofSeconds(1).toNanos();
        first.refreshed(10 * second, 13 * second); // took 3 s, ended at 13 s

        assertThat(first.ran("a", 14 * second)).isTrue();

        verify(timer).schedule(any(Runnable.class), delay.capture(), eq(TimeUnit.NANOSECONDS));
        assertThat(Duration.ofNanos(delay.getValue())).as("from 13 s plus 5 × 3 s, i.e. 28 s: 14 s from now")
                .isEqualTo(Duration.ofSeconds(14));
    }

    @Test
    void nothingIsAskedOnceTheTimerIsShutDown() {
        ScheduledExecutorService closed = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        closed.shutdownNow();
        FirstResults late = new FirstResults(closed, refreshes::incrementAndGet);
        assertThat(late.ran("a", 0)).isFalse();
        verify(timer, never()).schedule(any(Runnable.class), anyLong(), any());
    }
}
