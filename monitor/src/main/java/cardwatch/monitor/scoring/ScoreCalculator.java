package cardwatch.monitor.scoring;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust score, from evidence to a number: each component 0–100 with its inputs, a weighted mean of the
 * components that have evidence, and a letter grade; too little purchase evidence gives grade "?" (证据不足) and no
 * number. Purchase reliability is the lower bound of a 95 % Wilson interval over recent purchases, recent ones
 * weighing more (a half-life), so three lucky purchases never outrank three hundred good ones.
 */
public final class ScoreCalculator {

    /** Wilson's z for a 95 % interval. */
    private static final double Z = 1.96;

    /**
     * How the score is computed.
     *
     * @param weights            weight per component (reliability, delivery, refunds, compliance, complaints,
     *                           availability)
     * @param halfLife           a purchase this old weighs half as much as one now
     * @param minEvidence        effective purchases needed for a grade
     * @param deliveryMedian     the median delivery time that scores 100
     * @param deliveryP95        the 95th percentile that scores 100
     * @param complaintsPerMonth the complaint rate (weight per 30 days) that halves the complaints component
     * @param refundMedian       the median refund time that still scores 100 for refund speed
     * @param complaintsPrior    the prior's complaint rate (weight per 30 days): what an unknown platform is assumed
     *                           to have until its own record says otherwise
     * @param complaintsPriorWorth how many days of watching the prior is worth
     */
    public record Settings(Map<String, Double> weights, Duration halfLife, double minEvidence,
            Duration deliveryMedian, Duration deliveryP95, double complaintsPerMonth, Duration refundMedian,
            double complaintsPrior, double complaintsPriorWorth) {

        public static Settings defaults() {
            Map<String, Double> weights = new LinkedHashMap<>();
            weights.put("reliability", 0.35);
            weights.put("delivery", 0.15);
            weights.put("refunds", 0.15);
            weights.put("compliance", 0.15);
            weights.put("complaints", 0.10);
            weights.put("availability", 0.10);
            return new Settings(weights, Duration.ofDays(7), 10, Duration.ofSeconds(60), Duration.ofMinutes(5), 3,
                    Duration.ofHours(1), 1, 30);
        }
    }

    /** One judged purchase: when it ended and whether it succeeded; maintenance runs are left out by the caller. */
    public record Purchase(Instant at, boolean success) {
    }

    /**
     * Everything a score is made of.
     *
     * @param purchases          judged purchases (success or failure; errors and maintenance excluded)
     * @param deliveryMillis     delivery times of recent successful purchases
     * @param refundsSettled     failed paid orders whose refund watch ended
     * @param refundedInTime     of those, refunded within 24 h
     * @param refundMillis       how long each refunded one took
     * @param icpStatus          the ICP status, or null before the first check
     * @param personalFiling     a 个人 filing
     * @param complaintWeight    severity-weighted complaints first seen in the watched days (resolved ones count less)
     * @param complaintDays      how many days of complaints that is: the platform's time under watch, at most 90
     * @param availabilityRuns   judged availability runs in 7 days
     * @param availabilityUp     of those, successes
     */
    public record Evidence(List<Purchase> purchases, List<Long> deliveryMillis, long refundsSettled,
            long refundedInTime, List<Long> refundMillis, String icpStatus, boolean personalFiling,
            double complaintWeight, double complaintDays, long availabilityRuns, long availabilityUp) {
    }

    /** A component's score and the inputs it came from. */
    public record Component(double score, Map<String, Object> inputs) {
    }

    /**
     * The verdict.
     *
     * @param score       0–100, or null with grade "?"
     * @param grade       A, B, C, D, F, or "?" for too little evidence
     * @param components  each component with evidence
     */
    public record Score(Double score, String grade, Map<String, Component> components) {

        /** A platform that has never answered: nothing to grade. */
        public static final Score UNVERIFIED = new Score(null, "?", Map.of());
    }

    private final Settings settings;

    public ScoreCalculator(Settings settings) {
        this.settings = settings;
    }

    public Score score(Evidence evidence, Instant now) {
        Map<String, Component> components = new LinkedHashMap<>();
        Component reliability = reliability(evidence.purchases(), now);
        double effective = (double) reliability.inputs().get("effective_purchases");
        components.put("reliability", reliability);
        delivery(evidence.deliveryMillis(), components);
        refunds(evidence, components);
        Double compliance = compliance(evidence.icpStatus(), evidence.personalFiling());
        if (compliance != null) {
            components.put("compliance", new Component(compliance, ordered("icp_status", evidence.icpStatus(),
                    "personal_filing", evidence.personalFiling())));
        }
        components.put("complaints", complaints(evidence.complaintWeight(), evidence.complaintDays()));
        if (evidence.availabilityRuns() > 0) {
            double up = (double) evidence.availabilityUp() / evidence.availabilityRuns();
            components.put("availability", new Component(100 * up, ordered("runs_7d", evidence.availabilityRuns(),
                    "up", evidence.availabilityUp())));
        }
        if (effective < settings.minEvidence()) {
            return new Score(null, "?", components);
        }
        double total = 0;
        double weights = 0;
        for (Map.Entry<String, Component> e : components.entrySet()) {
            double weight = settings.weights().getOrDefault(e.getKey(), 0.0);
            total += weight * e.getValue().score();
            weights += weight;
        }
        double score = weights == 0 ? 0 : total / weights;
        return new Score(round(score), grade(score), components);
    }

    /** Recency-weighted Wilson lower bound, with Kish's effective sample size. */
    private Component reliability(List<Purchase> purchases, Instant now) {
        double sum = 0;
        double squares = 0;
        double successes = 0;
        double halfLifeMillis = settings.halfLife().toMillis();
        for (Purchase p : purchases) {
            double age = Math.max(0, Duration.between(p.at(), now).toMillis());
            double weight = Math.pow(0.5, age / halfLifeMillis);
            sum += weight;
            squares += weight * weight;
            if (p.success()) {
                successes += weight;
            }
        }
        double n = squares == 0 ? 0 : sum * sum / squares;
        double phat = sum == 0 ? 0 : successes / sum;
        double bound = n == 0 ? 0 : wilsonLower(phat, n);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("purchases", purchases.size());
        inputs.put("effective_purchases", round(n));
        inputs.put("weighted_success_ratio", round(phat));
        inputs.put("wilson_lower_95", round(bound));
        return new Component(100 * bound, inputs);
    }

    static double wilsonLower(double phat, double n) {
        double z2 = Z * Z;
        double centre = phat + z2 / (2 * n);
        double margin = Z * Math.sqrt(phat * (1 - phat) / n + z2 / (4 * n * n));
        return Math.max(0, (centre - margin) / (1 + z2 / n));
    }

    private void delivery(List<Long> millis, Map<String, Component> components) {
        if (millis.isEmpty()) {
            return;
        }
        List<Long> sorted = millis.stream().sorted().toList();
        long median = sorted.get((sorted.size() - 1) / 2);
        long p95 = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
        double score = Math.min(against(median, settings.deliveryMedian()), against(p95, settings.deliveryP95()));
        components.put("delivery", new Component(score, ordered("median_seconds", median / 1000.0, "p95_seconds",
                p95 / 1000.0, "target_median_seconds", settings.deliveryMedian().toSeconds(), "target_p95_seconds",
                settings.deliveryP95().toSeconds())));
    }

    /**
     * 70 % the share refunded within 24 h, 30 % how fast: the median refund time scores 100 within its target,
     * falling linearly to 0 at 24 h. Without settled refunds there is no component.
     */
    private void refunds(Evidence evidence, Map<String, Component> components) {
        if (evidence.refundsSettled() == 0) {
            return;
        }
        double share = (double) evidence.refundedInTime() / evidence.refundsSettled();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("settled", evidence.refundsSettled());
        inputs.put("refunded_within_24h", evidence.refundedInTime());
        double speed = 0;
        if (!evidence.refundMillis().isEmpty()) {
            List<Long> sorted = evidence.refundMillis().stream().sorted().toList();
            long median = sorted.get((sorted.size() - 1) / 2);
            double target = settings.refundMedian().toMillis();
            double deadline = Duration.ofHours(24).toMillis();
            speed = median <= target ? 100 : Math.max(0, 100 * (deadline - median) / Math.max(1, deadline - target));
            inputs.put("median_refund_seconds", median / 1000.0);
        }
        inputs.put("target_refund_seconds", settings.refundMedian().toSeconds());
        components.put("refunds", new Component(0.7 * 100 * share + 0.3 * speed, inputs));
    }

    /**
     * A Bayesian complaint rate: a Gamma prior worth {@code complaintsPriorWorth} days at {@code complaintsPrior}
     * per 30 days, updated with the platform's own severity-weighted complaints over the days it has been watched.
     * A platform watched for three days with one complaint is not judged as if that were its monthly rate, and one
     * watched for months is judged on its own record. The posterior mean halves the component every
     * {@code complaintsPerMonth}.
     */
    private Component complaints(double weight, double days) {
        double priorMonths = settings.complaintsPriorWorth() / 30;
        double rate = (settings.complaintsPrior() * priorMonths + weight) / (priorMonths + days / 30);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("weighted_complaints", round(weight));
        inputs.put("days_watched", round(days));
        inputs.put("prior_per_30d", settings.complaintsPrior());
        inputs.put("rate_per_30d", round(rate));
        return new Component(100 * Math.pow(0.5, rate / settings.complaintsPerMonth()), inputs);
    }

    /** 100 within the target, falling linearly to 0 at ten times it. */
    private static double against(long millis, Duration target) {
        double ratio = millis / (double) target.toMillis();
        return ratio <= 1 ? 100 : Math.max(0, 100 * (10 - ratio) / 9);
    }

    private static Double compliance(String status, boolean personal) {
        if (status == null || status.equals("lookup_error")) {
            return null;
        }
        double score = switch (status) {
            case "valid" -> personal ? 70 : 100;
            case "footer_missing" -> 30;
            case "mismatch" -> 20;
            case "not_found" -> 10;
            default -> 0;
        };
        return score;
    }

    /** Inputs in the order given (name, value, name, value ...), so pages and the API list them alike every time. */
    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            inputs.put((String) pairs[i], pairs[i + 1]);
        }
        return inputs;
    }

    static String grade(double score) {
        return score >= 90 ? "A" : score >= 80 ? "B" : score >= 70 ? "C" : score >= 60 ? "D" : "F";
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
