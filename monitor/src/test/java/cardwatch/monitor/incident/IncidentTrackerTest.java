package cardwatch.monitor.incident;

import static cardwatch.monitor.incident.IncidentTracker.Observation.FAILED_TWICE;
import static cardwatch.monitor.incident.IncidentTracker.Observation.FAILURE;
import static cardwatch.monitor.incident.IncidentTracker.Observation.RETRIED;
import static cardwatch.monitor.incident.IncidentTracker.Observation.SUCCESS;
import static cardwatch.monitor.incident.IncidentTracker.Transition.CONFIRMED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.CONTINUED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.NONE;
import static cardwatch.monitor.incident.IncidentTracker.Transition.OPENED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.RESOLVED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.UPDATED;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.incident.IncidentTracker.Observation;
import cardwatch.monitor.incident.IncidentTracker.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules one run at a time; their error rates over many seeds are {@link IncidentSimulationTest}'s. */
class IncidentTrackerTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration EVERY = Duration.ofMinutes(20);

    private final IncidentTracker tracker = new IncidentTracker(IncidentTracker.Settings.defaults());
    private int step;

    private Transition next(String probe, Observation run) {
        return tracker.observe("shop", probe, run, T0.plus(EVERY.multipliedBy(step++)));
    }

    private List<Transition> feed(String probe, Observation... runs) {
        List<Transition> out = new ArrayList<>();
        for (Observation run : runs) {
            out.add(next(probe, run));
        }
        return out;
    }

    private List<Transition> feed(String probe, int times, Observation run) {
        return feed(probe, Collections.nCopies(times, run).toArray(Observation[]::new));
    }

    @Test
    void fourFailedPurchasesOrThreeFailedChecksInARowOpen() {
        assertThat(feed("purchase", FAILURE, FAILURE, FAILURE, FAILURE, FAILURE))
                .containsExactly(NONE, NONE, NONE, OPENED, UPDATED);
        assertThat(tracker.why("shop", "purchase").zh("purchase")).isEqualTo("4 次测试购买连续失败");
        assertThat(feed("availability", FAILED_TWICE, FAILED_TWICE, FAILED_TWICE))
                .containsExactly(NONE, NONE, OPENED);
        assertThat(tracker.why("shop", "availability").en("availability"))
                .isEqualTo("3 storefront checks failed in a row (each tried twice)");
    }

    @Test
    void ourOwnErrorsAndMaintenanceAreNoEvidenceEitherWay() {
        assertThat(feed("purchase", null, null, null, null)).containsOnly(NONE);
        assertThat(feed("purchase", FAILURE, FAILURE, null, FAILURE, null, FAILURE))
                .as("no evidence between failures breaks nothing").containsExactly(NONE, NONE, NONE, NONE, NONE, OPENED);
    }

    @Test
    void aSuccessBreaksTheStreakButNotTheEvidence() {
        assertThat(feed("purchase", FAILURE, FAILURE, SUCCESS, FAILURE, FAILURE)).containsOnly(NONE);
        assertThat(next("purchase", FAILURE)).as("5 of 6 failed, no 4 in a row: the failure rate opens it")
                .isEqualTo(OPENED);
        assertThat(tracker.why("shop", "purchase").streak()).isFalse();
    }

    @Test
    void aHighFailureRateOpensWithoutAStreakAndSaysWhatItSaw() {
        List<Transition> seen = new ArrayList<>();
        for (int i = 0; i < 30 && !tracker.isOpen("shop", "purchase"); i++) {
            seen.add(next("purchase", i % 3 == 2 ? SUCCESS : FAILURE));
        }
        assertThat(seen).endsWith(OPENED).hasSizeLessThan(12);
        IncidentTracker.Why why = tracker.why("shop", "purchase");
        assertThat(why.streak()).isFalse();
        assertThat(why.zh("purchase")).matches("过去 \\d+ (分钟|小时) \\d+ 次测试购买中 \\d+ 次失败（\\d+%），平时 3%");
        assertThat(why.en("purchase")).matches("\\d+ of \\d+ test purchases failed in the last \\d+ (minutes|hours) "
                + "\\(\\d+%\\), usually 3%");
    }

    @Test
    void aHardOutageResolvesAfterAFewSuccessesAndItsResolveIsHeldBeforeItIsAnnounced() {
        feed("purchase", 6, FAILURE);
        List<Transition> recovery = feed("purchase", 12, SUCCESS);
        assertThat(recovery.indexOf(RESOLVED)).as("successes until resolved").isBetween(2, 5);
        assertThat(recovery.indexOf(CONFIRMED) - recovery.indexOf(RESOLVED)).as("held runs").isEqualTo(6);
        assertThat(tracker.settled("shop", "purchase")).isTrue();
    }

    @Test
    void aFailureWhileTheResolveIsHeldContinuesTheIncident() {
        feed("purchase", 6, FAILURE);
        List<Transition> recovery = feed("purchase", 5, SUCCESS);
        assertThat(recovery).contains(RESOLVED);
        assertThat(next("purchase", FAILURE)).isEqualTo(CONTINUED);
        assertThat(tracker.isOpen("shop", "purchase")).isTrue();
    }

    @Test
    void aFlappingIncidentNeedsALongCleanStretchToResolve() {
        for (int i = 0; i < 40; i++) {
            next("purchase", i % 2 == 0 ? FAILURE : SUCCESS);
        }
        assertThat(tracker.isOpen("shop", "purchase")).isTrue();
        List<Transition> recovery = feed("purchase", 30, SUCCESS);
        assertThat(recovery.indexOf(RESOLVED)).as("half its runs failed: many successes are needed")
                .isGreaterThanOrEqualTo(9);
    }

    @Test
    void aCheckThatFailsOnceAndSucceedsOnItsRetryIsEvidenceButNoFailedRun() {
        List<Transition> out = feed("availability", 30, RETRIED);
        assertThat(out).as("half the requests fail").contains(OPENED);
        assertThat(tracker.why("shop", "availability").zh("availability")).contains("次店铺检查请求中");
        IncidentTracker fresh = new IncidentTracker(IncidentTracker.Settings.defaults());
        for (int i = 0; i < 200; i++) {
            assertThat(fresh.observe("calm", "availability", i % 50 == 0 ? RETRIED : SUCCESS, T0))
                    .as("a blip now and then").isEqualTo(NONE);
        }
    }

    @Test
    void theRateRulesThresholdGrowsWithTheRunsIn30DaysButTheStreakRuleDoesNot() {
        IncidentTracker.Settings settings = IncidentTracker.Settings.defaults();
        IncidentTracker.Kind purchase = settings.kind("purchase");
        double every20 = tracker.openThreshold(purchase, Duration.ofMinutes(20));
        double every5 = tracker.openThreshold(purchase, Duration.ofMinutes(5));
        double hourly = tracker.openThreshold(purchase, Duration.ofHours(1));
        assertThat(every5).isGreaterThan(every20 + 2);
        assertThat(hourly).as("never below the reference").isEqualTo(every20);
        tracker.interval("shop", "purchase", Duration.ofMinutes(5));
        assertThat(feed("purchase", 4, FAILURE)).endsWith(OPENED);
    }

    @Test
    void aPlatformThatUsuallyFailsMoreIsJudgedAgainstItsOwnRate() {
        for (int i = 0; i < 600; i++) {
            next("purchase", i % 10 == 0 ? FAILURE : SUCCESS);
        }
        assertThat(tracker.usual("shop", "purchase")).isBetween(0.07, 0.12);
        IncidentTracker newcomer = new IncidentTracker(IncidentTracker.Settings.defaults());
        assertThat(newcomer.usual("new", "purchase")).isEqualTo(0.03);
    }

    @Test
    void primingFromStoredRunsRestoresAStreakAndAHeldResolve() {
        IncidentTracker restarted = new IncidentTracker(IncidentTracker.Settings.defaults());
        restarted.prime("shop", "purchase", List.of(SUCCESS, FAILURE, FAILURE, FAILURE), false, -1);
        assertThat(restarted.observe("shop", "purchase", FAILURE, T0)).isEqualTo(OPENED);

        IncidentTracker held = new IncidentTracker(IncidentTracker.Settings.defaults());
        held.prime("shop", "purchase", List.of(SUCCESS, SUCCESS), false, 4);
        assertThat(held.observe("shop", "purchase", SUCCESS, T0)).isEqualTo(NONE);
        assertThat(held.observe("shop", "purchase", SUCCESS, T0)).isEqualTo(CONFIRMED);

        IncidentTracker open = new IncidentTracker(IncidentTracker.Settings.defaults());
        open.prime("shop", "purchase", List.of(SUCCESS, SUCCESS), true, -1);
        assertThat(open.isOpen("shop", "purchase")).isTrue();
    }
}
