package cardwatch.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Rows of runs that spend nothing: written once, at their end, many to a transaction, none lost to a neighbour. */
class RunWriterTest {

    private static final Instant FIRE = Instant.parse("2026-12-01T00:00:00Z");

    private RunRepository runs;
    private RunWriter writer;

    @BeforeEach
    void start() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:writer-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        runs = new RunRepository(db);
        writer = new RunWriter(runs);
    }

    @AfterEach
    void stop() {
        writer.destroy();
    }

    private static RunRepository.Finished finished(String platform, Instant fire, String evidence) {
        RunStart run = new RunStart(RunStart.UNSAVED, platform, "availability", fire, fire, fire.plusMillis(5),
                "CW" + Integer.toHexString((platform + fire).hashCode()));
        return new RunRepository.Finished(run, new ProbeResult(Outcome.SUCCESS, Reason.NONE, Set.of(),
                Map.of("fetch", Duration.ofMillis(12)), null, null, null, evidence), fire.plusMillis(40));
    }

    @Test
    void aRowIsWrittenOnceItsRunHasEndedWithEverythingTheRunFound() {
        writer.write(finished("a", FIRE, "关键词 found"));
        writer.flush();

        assertThat(runs.recent("a", 10)).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo("done");
            assertThat(run.outcome()).isEqualTo("success");
            assertThat(run.evidence()).isEqualTo("关键词 found");
            assertThat(run.phasesMs()).isEqualTo(Map.of("fetch", 12L));
            assertThat(run.actualStart()).isEqualTo(FIRE.plusMillis(5));
            assertThat(run.endedAt()).isEqualTo(FIRE.plusMillis(40));
        });
        assertThat(runs.unfinished("availability")).isEmpty();
    }

    @Test
    void rowsQueuedTogetherAreWrittenWithoutAFlushWithinALinger() throws InterruptedException {
        for (int i = 0; i < 2500; i++) {
            writer.write(finished("p" + (i % 50), FIRE.plusSeconds(i), ""));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (runs.count() < 2500 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(runs.count()).isEqualTo(2500);
    }

    @Test
    void aDuplicateOrARefusedRowCostsOnlyItselfNotTheRestOfItsBatch() {
        runs.insertFinished(List.of(finished("a", FIRE, "first")));
        List<RunRepository.Finished> batch = new ArrayList<>();
        batch.add(finished("b", FIRE, "before"));
        batch.add(finished("a", FIRE, "second, same fire"));
        batch.add(finished("x".repeat(65), FIRE, "platform id longer than its column"));
        batch.add(finished("c", FIRE, "after"));

        List<RunRepository.NotWritten> refused = runs.insertFinished(batch);

        assertThat(refused).extracting(n -> n.row().run().platform()).containsExactly("a", "x".repeat(65));
        assertThat(refused.get(0).why()).contains("has a row already");
        assertThat(runs.recent("a", 10)).singleElement().extracting(ProbeRun::evidence).isEqualTo("first");
        assertThat(runs.recent("b", 10)).hasSize(1);
        assertThat(runs.recent("c", 10)).hasSize(1);
        assertThat(runs.count()).isEqualTo(3);
    }

    @Test
    void aFlushReturnsWithEveryEarlierRowInTheDatabase() {
        for (int i = 0; i < 3000; i++) {
            writer.write(finished("p" + (i % 7), FIRE.plusSeconds(i), ""));
            if (i % 1000 == 999) {
                writer.flush();
                assertThat(runs.count()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void stoppingWritesWhatIsQueued() {
        for (int i = 0; i < 500; i++) {
            writer.write(finished("p", FIRE.plusSeconds(i), ""));
        }
        writer.destroy();
        assertThat(runs.count()).isEqualTo(500);
        writer.write(finished("p", FIRE.minusSeconds(1), "after the stop"));
        assertThat(runs.count()).as("a row after the stop is written by its caller").isEqualTo(501);
    }
}
