package cardwatch.monitor.incident;

import static cardwatch.monitor.incident.IncidentTracker.Transition.CONTINUED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.NONE;
import static cardwatch.monitor.incident.IncidentTracker.Transition.OPENED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.RESOLVED;
import static cardwatch.monitor.incident.IncidentTracker.Transition.UPDATED;
import static cardwatch.monitor.incident.IncidentTracker.Verdict.FAILURE;
import static cardwatch.monitor.incident.IncidentTracker.Verdict.NOT_EVIDENCE;
import static cardwatch.monitor.incident.IncidentTracker.Verdict.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.incident.IncidentTracker.Transition;
import cardwatch.monitor.incident.IncidentTracker.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IncidentTrackerTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration EVERY = Duration.ofMinutes(15);

    private final IncidentTracker tracker = new IncidentTracker(IncidentTracker.Settings.defaults());
    private int step;

    private Transition next(String probe, Verdict verdict) {
        return tracker.observe("shop", probe, verdict, T0.plus(EVERY.multipliedBy(step++)));
    }

    private List<Transition> feed(String probe, Verdict... verdicts) {
        List<Transition> out = new ArrayList<>();
        for (Verdict v : verdicts) {
            out.add(next(probe, v));
        }
        return out;
    }

    @Test
    void twoPurchaseFailuresOpenAndOneSuccessDoesNotResolve() {
        assertThat(feed("purchase", FAILURE, FAILURE, FAILURE, SUCCESS, FAILURE, SUCCESS, SUCCESS))
                .containsExactly(NONE, OPENED, UPDATED, NONE, UPDATED, NONE, RESOLVED);
        assertThat(tracker.isOpen("shop", "purchase")).isFalse();
    }

    @Test
    void availabilityNeedsThreeFailuresInARow() {
        assertThat(feed("availability", FAILURE, FAILURE, SUCCESS, FAILURE, FAILURE, FAILURE))
                .containsExactly(NONE, NONE, NONE, NONE, NONE, OPENED);
    }

    @Test
    void anIncidentThatReopensSoonContinuesTheSameOneAndLaterOpensANewOne() {
        assertThat(feed("purchase", FAILURE, FAILURE, SUCCESS, SUCCESS, FAILURE, FAILURE))
                .as("reopened 30 minutes after resolving").endsWith(CONTINUED);
        feed("purchase", SUCCESS, SUCCESS);
        step += 10;
        assertThat(feed("purchase", FAILURE, FAILURE)).as("hours later").endsWith(OPENED);
    }

    @Test
    void maintenanceAndOurOwnErrorsAreNotEvidence() {
        assertThat(feed("purchase", NOT_EVIDENCE, NOT_EVIDENCE, NOT_EVIDENCE, NOT_EVIDENCE)).containsOnly(NONE);
        assertThat(tracker.isOpen("shop", "purchase")).isFalse();
        assertThat(feed("purchase", FAILURE, NOT_EVIDENCE, FAILURE)).as("an error between failures breaks nothing")
                .containsExactly(NONE, NONE, OPENED);
        assertThat(feed("purchase", SUCCESS, NOT_EVIDENCE, SUCCESS)).endsWith(RESOLVED);
    }

    @Test
    void aHighFailureRatioOpensWithoutAStreak() {
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            out.add(next("availability", i % 2 == 0 ? FAILURE : SUCCESS));
        }
        assertThat(out.subList(0, 10)).as("fewer than 10 samples, or a success").containsOnly(NONE);
        assertThat(out.get(10)).as("6 of 11 failed").isEqualTo(OPENED);
    }

    @Test
    void threePercentRandomFailuresForThirtyDaysRarelyOpenAndAHardOutageOpensWithinTwoIntervals() {
        int runs = 30 * 24 * 4;
        int seedsWithFalseIncident = 0;
        int seeds = 40;
        for (long seed = 1; seed <= seeds; seed++) {
            IncidentTracker fresh = new IncidentTracker(IncidentTracker.Settings.defaults());
            Random random = new Random(seed);
            boolean opened = false;
            Instant at = T0;
            for (int i = 0; i < runs; i++) {
                at = at.plus(EVERY);
                Verdict v = random.nextDouble() < 0.03 ? FAILURE : SUCCESS;
                opened |= fresh.observe("shop", "availability", v, at) == OPENED;
            }
            if (opened) {
                seedsWithFalseIncident++;
            }
            Instant outage = at.plus(EVERY);
            Instant openedAt = null;
            for (int i = 0; openedAt == null && i < 10; i++) {
                Instant when = outage.plus(EVERY.multipliedBy(i));
                if (fresh.observe("shop", "availability", FAILURE, when) != NONE) {
                    openedAt = when;
                }
            }
            assertThat(openedAt).isNotNull();
            assertThat(Duration.between(outage, openedAt)).isLessThanOrEqualTo(EVERY.multipliedBy(2));
        }
        // Three failures in a row at 3 % happen in about 7 % of 30-day stretches of 2,880 runs.
        assertThat(seedsWithFalseIncident).isLessThanOrEqualTo(seeds / 5);
    }
}
