package cardwatch.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure profile: which fault a simulated platform injects, how often, and how it behaves otherwise. Profiles
 * are data ({@code profiles.json}); the behaviour that needs state or chance is in {@link YrapiPlatform}.
 *
 * @param name            profile name, e.g. {@code slow}
 * @param description     one line for people
 * @param fault           the fault this profile injects
 * @param probability     chance per order (or per request, for {@link Fault#DOWN} and {@link Fault#HUNG})
 * @param deliveryMedian  median time from order to delivery
 * @param deliverySigma   log-normal shape: 0 is a fixed delay, 1 a long tail
 * @param answerDelay     how late every answer comes for {@link Fault#HUNG}
 * @param submitDelay     how late the answer to an order comes, the order being taken at once
 * @param refundDelay     how long after a failed order the money comes back ({@link Fault#LATE_REFUND})
 * @param notifyDelay     how late a gateway's notify reaches the store ({@link Fault#NOTIFY_LATE})
 */
public record Profile(String name, String description, Fault fault, double probability, Duration deliveryMedian,
        double deliverySigma, Duration answerDelay, Duration submitDelay, Duration refundDelay,
        Duration notifyDelay) {

    public Profile(String name, String description, Fault fault, double probability, Duration deliveryMedian,
            double deliverySigma, Duration answerDelay, Duration submitDelay, Duration refundDelay) {
        this(name, description, fault, probability, deliveryMedian, deliverySigma, answerDelay, submitDelay,
                refundDelay, null);
    }

    public Profile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fault, "fault");
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("profile " + name + ": probability must be within 0..1");
        }
        deliveryMedian = deliveryMedian == null ? Duration.ofMillis(300) : deliveryMedian;
        answerDelay = answerDelay == null ? Duration.ofSeconds(30) : answerDelay;
        submitDelay = submitDelay == null ? Duration.ZERO : submitDelay;
        refundDelay = refundDelay == null ? Duration.ofHours(3) : refundDelay;
        description = description == null ? "" : description;
        notifyDelay = notifyDelay == null ? Duration.ofMinutes(2) : notifyDelay;
    }

    /** The same profile injecting its fault every time: the deterministic form that tests use. */
    public Profile always() {
        return new Profile(name, description, fault, 1.0, deliveryMedian, deliverySigma, answerDelay, submitDelay,
                refundDelay, notifyDelay);
    }

    public Profile withDelivery(Duration median, double sigma) {
        return new Profile(name, description, fault, probability, median, sigma, answerDelay, submitDelay,
                refundDelay, notifyDelay);
    }

    public Profile withAnswerDelay(Duration delay) {
        return new Profile(name, description, fault, probability, deliveryMedian, deliverySigma, delay, submitDelay,
                refundDelay, notifyDelay);
    }

    public Profile withSubmitDelay(Duration delay) {
        return new Profile(name, description, fault, probability, deliveryMedian, deliverySigma, answerDelay, delay,
                refundDelay, notifyDelay);
    }

    public Profile withRefundDelay(Duration delay) {
        return new Profile(name, description, fault, probability, deliveryMedian, deliverySigma, answerDelay,
                submitDelay, delay, notifyDelay);
    }

    public Profile withNotifyDelay(Duration delay) {
        return new Profile(name, description, fault, probability, deliveryMedian, deliverySigma, answerDelay,
                submitDelay, refundDelay, delay);
    }
}
