package cardwatch.monitor.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import cardwatch.monitor.system.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Writes the rows of runs that spent nothing and placed no order (storefront checks, ICP checks, complaint reads):
 * once, when the run has ended, gathered for up to {@link #LINGER} and written many to a transaction by one thread.
 * Writing each run as an insert before it starts and an update after it ended was, with the database's commit per
 * statement, most of what a run cost. Such a run in flight when the process dies leaves no row; nothing was at stake.
 * Purchases are not written here: their row exists before anything is sent (see {@link RunRepository#begin}).
 *
 * <p>A database that refuses a batch for any reason other than a duplicate gets it again every second, up to
 * {@link #ATTEMPTS} times; the rows queued meanwhile wait (at most {@link #CAPACITY}, then callers write their own).
 */
@Component
public class RunWriter implements DisposableBean {

    /** How long a row waits for others to share its transaction. */
    static final Duration LINGER = Duration.ofMillis(1000);
    /** Rows per transaction at most. */
    static final int BATCH = 1000;
    /** Rows waiting at most; beyond it a run's own thread writes its row. */
    static final int CAPACITY = 50_000;
    static final int ATTEMPTS = 30;

    private static final Logger log = LoggerFactory.getLogger(RunWriter.class);

    private final RunRepository runs;
    private final BlockingQueue<RunRepository.Finished> queue = new ArrayBlockingQueue<>(CAPACITY);
    /** Held from taking rows off the queue to their being stored: a {@link #flush} that gets it sees them stored. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread thread;
    private volatile boolean stopped;

    public RunWriter(RunRepository runs) {
        this.runs = runs;
        this.thread = new Thread(this::loop, "run-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the row of a run that ended; it is in the database within about {@link #LINGER}. */
    public void write(RunRepository.Finished row) {
        if (stopped || !queue.offer(row)) {
            store(List.of(row));
        }
    }

    /** Returns once every row queued before the call is written (or given up on, which is logged). */
    public void flush() {
        writing.lock();
        try {
            List<RunRepository.Finished> batch = new ArrayList<>();
            while (queue.drainTo(batch, BATCH) > 0) {
                store(batch);
                batch.clear();
            }
        } finally {
            writing.unlock();
        }
    }

    /** Every {@link #LINGER}: what has gathered, in transactions of up to {@link #BATCH} rows. */
    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(LINGER.toMillis());
            } catch (InterruptedException e) {
                if (stopped) {
                    return;
                }
            }
            try {
                flush();
            } catch (RuntimeException e) {
                log.error("the run writer failed; it goes on", e);
            }
        }
    }

    private void store(List<RunRepository.Finished> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                for (RunRepository.NotWritten refused : runs.insertFinished(batch)) {
                    RunStart run = refused.row().run();
                    log.warn("{} {}: the row of the run for {} is not written: {}", run.platform(), run.probe(),
                            run.scheduledFire(), LogText.quote(refused.why()));
                }
                return;
            } catch (DataAccessException e) {
                if (attempt >= ATTEMPTS || stopped) {
                    log.error("{} run rows are lost: the database refused them {} times; last: {}", batch.size(),
                            attempt, e.toString());
                    return;
                }
                if (attempt == 1) {
                    log.warn("the database refused {} run rows ({}); trying again every second", batch.size(),
                            e.toString());
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    log.error("{} run rows are lost: interrupted while the database refused them", batch.size());
                    return;
                }
            }
        }
    }

    @Override
    public void destroy() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
