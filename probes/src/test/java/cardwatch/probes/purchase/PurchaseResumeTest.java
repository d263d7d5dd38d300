package cardwatch.probes.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.Reason;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Interrupted runs are finished by looking the order up, never by submitting it again. */
class PurchaseResumeTest extends BenchTest {




    /** Records what the probe tells the journal. */
    static final class Journal implements PurchaseJournal {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void accepted(String platformOrderNo, BigDecimal amount, String source) {
            events.add("accepted " + source + " " + amount);
        }
    }

    @Test
    void anOrderTheInterruptedRunPlacedIsFollowedToItsEndWithoutASecondOrder() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable")
                .withDelivery(Duration.ofMillis(100), 0), ProbeBench.API_KEY, 0, 1)) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);
            bench.placeDirectly(platform, "CWRESUME1");
            Journal journal = new Journal();

            PurchaseProbe.Resumption resumed = bench.resume(platform, "CWRESUME1", journal, Instant.now());

            assertThat(resumed.result().outcome()).as(resumed.toString()).isEqualTo(Outcome.SUCCESS);
            assertThat(resumed.result().flags()).as("no notify deadline is judged for a resumed run").isEmpty();
            assertThat(journal.events).containsExactly("accepted query null");
            assertThat(sim.platform().orders()).hasSize(1);
        }
    }

    @Test
    void anInterruptedRunThatNeverReachedThePlatformEndsAsOurErrorWithNoOrder() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable"),
                ProbeBench.API_KEY, 0, 1)) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);
            Journal journal = new Journal();

            PurchaseProbe.Resumption resumed = bench.resume(platform, "CWRESUME2", journal, Instant.now());

            assertThat(resumed.result().outcome()).isEqualTo(Outcome.ERROR);
            assertThat(resumed.result().reason()).isEqualTo(Reason.INTERNAL);
            assertThat(resumed.result().evidence()).contains("no such order");
            assertThat(journal.events).isEmpty();
            assertThat(sim.platform().orders()).isEmpty();
        }
    }

    @Test
    void aStuckOrderPastItsDeadlineIsJudgedAtOnce() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("stuck", Profiles.named("stuck").always(),
                ProbeBench.API_KEY, 0, 1)) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);
            bench.placeDirectly(platform, "CWRESUME3");

            PurchaseProbe.Resumption resumed = bench.resume(platform, "CWRESUME3", new Journal(),
                    Instant.now().minus(Duration.ofHours(1)));

            assertThat(resumed.result().reason()).isEqualTo(Reason.STUCK_PROCESSING);
            assertThat(sim.platform().orders()).hasSize(1);
        }
    }

    @Test
    void aPlatformThatCannotBeAskedLeavesTheRunUnresolved() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        PlatformSettings platform = ProbeBench.platform("http://127.0.0.1:" + closed + "/yrapi.php/",
                ProbeBench.API_KEY);

        PurchaseProbe.Resumption resumed = bench.resume(platform, "CWRESUME4", new Journal(),
                Instant.now().minus(Duration.ofHours(1)));

        assertThat(resumed.result()).isNull();
        assertThat(resumed.unresolved()).contains("connection_refused");
    }

    @Test
    void theJournalHearsOfTheChargeFromTheAnswerOnce() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable")
                .withDelivery(Duration.ofMillis(100), 0), ProbeBench.API_KEY, 0, 1)) {
            Journal journal = new Journal();
            bench.run(ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY), "CWJOURNAL1", journal);
            assertThat(journal.events).containsExactly("accepted answer 0.98");
        }
    }

    @Test
    void theBalanceIsReadFromThePlatform() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable")
                .withDelivery(Duration.ofMillis(100), 0), ProbeBench.API_KEY, 0, 1)) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);
            bench.run(platform, "CWBAL1");

            assertThat(bench.balance(platform)).isEqualTo(new BalanceAnswer.Known(new BigDecimal("999.02")));
            assertThat(bench.balance(ProbeBench.platform(sim.baseUrl(), "wrong-key-000")))
                    .isInstanceOfSatisfying(BalanceAnswer.Failed.class,
                            f -> assertThat(f.reason()).isEqualTo(Reason.CREDENTIALS));
        }
    }
}
