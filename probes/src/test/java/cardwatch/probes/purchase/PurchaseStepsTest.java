package cardwatch.probes.purchase;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.Flag;
import cardwatch.probes.Outcome;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Between two steps a purchase run is only its saved state: another process (a new probe, a new inbox) continues it
 * from the JSON kept in the run's row, from each phase, and never submits again.
 */
class PurchaseStepsTest extends BenchTest {

    @Test
    void aRunWaitingForItsFinalStateIsContinuedByAnotherProcess() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("reliable", Profiles.named("reliable")
                .withDelivery(Duration.ofMillis(700), 0), ProbeBench.API_KEY, 0, 1);
                ProbeBench other = new ProbeBench()) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);

            PurchaseProbe.Step.Wait wait = (PurchaseProbe.Step.Wait) bench.start(platform, "CWSTEPS1");
            assertThat(wait.state().phase()).isEqualTo(PurchaseState.Phase.CONFIRM);
            assertThat(wait.state().held()).as("the answer took the order").isTrue();
            String saved = wait.state().json();
            assertThat(saved).doesNotContain(ProbeBench.API_KEY);

            ProbeResult result = other.follow(platform, "CWSTEPS1", PurchaseState.parse(saved).adopted(), wait.until());

            assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SUCCESS);
            assertThat(result.flags()).as("notifies went to the process that ended: none is judged").isEmpty();
            assertThat(result.phases()).containsKeys(PurchaseProbe.PHASE_ORDER, PurchaseProbe.PHASE_CONFIRM);
            assertThat(sim.platform().submissions()).isEqualTo(Map.of("CWSTEPS1", 1L));
        }
    }

    @Test
    void aStuckOrderContinuedFromItsStateEndsStuckAtItsDeadline() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("stuck", Profiles.named("stuck").always(),
                ProbeBench.API_KEY, 0, 1);
                ProbeBench other = new ProbeBench()) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);

            PurchaseProbe.Step.Wait first = (PurchaseProbe.Step.Wait) bench.start(platform, "CWSTEPS2");
            PurchaseProbe.Step.Wait second = (PurchaseProbe.Step.Wait) bench.step(platform, "CWSTEPS2", first);
            assertThat(second.state().attempt()).isEqualTo(2);
            assertThat(second.state().last().state()).isEqualTo(OrderStatus.State.PROCESSING);

            ProbeResult result = other.follow(platform, "CWSTEPS2",
                    PurchaseState.parse(second.state().json()).adopted(), second.until());

            assertThat(result.reason()).isEqualTo(Reason.STUCK_PROCESSING);
            assertThat(result.phases().get(PurchaseProbe.PHASE_CONFIRM)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
            assertThat(sim.platform().submissions()).isEqualTo(Map.of("CWSTEPS2", 1L));
        }
    }

    @Test
    void aRunWaitingForTheNotifyAfterTheQueryToldItsEndKeepsItsVerdict() throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("notify-lost", Profiles.named("notify-lost").always()
                .withDelivery(Duration.ofMillis(200), 0), ProbeBench.API_KEY, 0, 1);
                ProbeBench other = new ProbeBench()) {
            PlatformSettings platform = ProbeBench.platform(sim.baseUrl(), ProbeBench.API_KEY);
            PurchaseProbe.Step step = bench.start(platform, "CWSTEPS3");
            while (step instanceof PurchaseProbe.Step.Wait wait && wait.state().phase() == PurchaseState.Phase.CONFIRM) {
                step = bench.step(platform, "CWSTEPS3", wait);
            }
            PurchaseProbe.Step.Wait notifyWait = (PurchaseProbe.Step.Wait) step;
            assertThat(notifyWait.state().phase()).isEqualTo(PurchaseState.Phase.NOTIFY);
            assertThat(notifyWait.state().verdict().outcome()).isEqualTo(Outcome.SUCCESS);
            String code = sim.platform().orders().get(0).code();
            String saved = notifyWait.state().json();
            assertThat(saved).as("the card code is never kept in the row").doesNotContain(code);

            ProbeResult sameProcess = bench.follow(platform, "CWSTEPS3", PurchaseState.parse(saved),
                    notifyWait.until());
            ProbeResult taken = other.follow(platform, "CWSTEPS3", PurchaseState.parse(saved).adopted(),
                    notifyWait.until());

            assertThat(sameProcess.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(sameProcess.flags()).containsExactly(Flag.NOTIFY_MISSING);
            assertThat(taken.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(taken.flags()).as("the notify may have reached the process that ended").isEmpty();
            assertThat(taken.evidence()).isEqualTo(sameProcess.evidence());
            assertThat(sim.platform().submissions()).isEqualTo(Map.of("CWSTEPS3", 1L));
        }
    }
}
