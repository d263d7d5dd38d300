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
 * weighing more (a half-life), so three lucky purchases never outrank three hundred good ones; a failure that cost the
 * buyer money counts as {@code moneyLossWeight} failures. The grade is never better than purchase reliability alone
 * allows (fast delivery does not make a platform that fails one purchase in seven an A), and a platform that lost a
 * buyer's money in the last 30 days is graded C at best. The score comes with the range the purchases' uncertainty
 * leaves it (the same score with reliability at the interval's upper end): rankings only order what the range
 * separates.
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
            double complaintsPrior, double complaintsPriorWorth, double moneyLossWeight,
            Map<String, Double> reliabilityForGrade) {

        public Settings(Map<String, Double> weights, Duration halfLife, double minEvidence, Duration deliveryMedian,
                Duration deliveryP95, double complaintsPerMonth, Duration refundMedian, double complaintsPrior,
                double complaintsPriorWorth) {
            this(weights, halfLife, minEvidence, deliveryMedian, deliveryP95, complaintsPerMonth, refundMedian,
                    complaintsPrior, complaintsPriorWorth, 3, gradeFloors(0.95, 0.90, 0.80, 0.70));
        }

        public static Settings defaults() {
            Map<String, Double> weights = new LinkedHashMap<>();
            weights.put("reliability", 0.35);
            weights.put("delivery", 0.15);
            weights.put("refunds", 0.15);
            weights.put("compliance", 0.15);
            weights.put("complaints", 0.10);
            weights.put("availability", 0.10);
            weights.put("callbacks", 0.10);
            return new Settings(weights, Duration.ofDays(7), 10, Duration.ofSeconds(60), Duration.ofMinutes(5), 3,
                    Duration.ofHours(1), 1, 30, 3, gradeFloors(0.95, 0.90, 0.80, 0.70));
        }

        /** The least reliability (Wilson lower bound) each grade needs, A to D. */
        public static Map<String, Double> gradeFloors(double a, double b, double c, double d) {
            Map<String, Double> floors = new LinkedHashMap<>();
            floors.put("A", a);
            floors.put("B", b);
            floors.put("C", c);
            floors.put("D", d);
            return floors;
        }
    }

    /**
     * One judged purchase: when it ended, whether it succeeded, and whether it cost the buyer money (charged twice;
     * paid and nothing delivered, with the refund outstanding or refused); maintenance runs are left out by the caller.
     */
    public record Purchase(Instant at, boolean success, boolean lostMoney) {

        public Purchase(Instant at, boolean success) {
            this(at, success, false);
        }
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
     * @param callbacksExpected  purchases in 30 days that should have been notified (the protocol notifies); 0 when it
     *                           does not
     * @param callbacksMissing   of those, the ones whose state came only by our query (notify_missing)
     * @param lostMoneyRecently  a purchase in the last 30 days lost the buyer money for good (charged twice, or a
     *                           failed paid order never refunded)
     * @param checkoutOnly       the platform's purchase runs only check the checkout (nothing is paid, no delivery
     *                           is ever seen): its grade is B at best
     */
    public record Evidence(List<Purchase> purchases, List<Long> deliveryMillis, long refundsSettled,
            long refundedInTime, List<Long> refundMillis, String icpStatus, boolean personalFiling,
            double complaintWeight, double complaintDays, long availabilityRuns, long availabilityUp,
            long callbacksExpected, long callbacksMissing, boolean lostMoneyRecently, boolean checkoutOnly) {

        public Evidence(List<Purchase> purchases, List<Long> deliveryMillis, long refundsSettled,
                long refundedInTime, List<Long> refundMillis, String icpStatus, boolean personalFiling,
                double complaintWeight, double complaintDays, long availabilityRuns, long availabilityUp,
                long callbacksExpected, long callbacksMissing, boolean lostMoneyRecently) {
            this(purchases, deliveryMillis, refundsSettled, refundedInTime, refundMillis, icpStatus, personalFiling,
                    complaintWeight, complaintDays, availabilityRuns, availabilityUp, callbacksExpected,
                    callbacksMissing, lostMoneyRecently, false);
        }

        /** The same evidence from a platform measured by checkout only, or not. */
        public Evidence checkoutOnly(boolean only) {
            return new Evidence(purchases, deliveryMillis, refundsSettled, refundedInTime, refundMillis, icpStatus,
                    personalFiling, complaintWeight, complaintDays, availabilityRuns, availabilityUp,
                    callbacksExpected, callbacksMissing, lostMoneyRecently, only);
        }

        public Evidence(List<Purchase> purchases, List<Long> deliveryMillis, long refundsSettled, long refundedInTime,
                List<Long> refundMillis, String icpStatus, boolean personalFiling, double complaintWeight,
                double complaintDays, long availabilityRuns, long availabilityUp) {
            this(purchases, deliveryMillis, refundsSettled, refundedInTime, refundMillis, icpStatus, personalFiling,
                    complaintWeight, complaintDays, availabilityRuns, availabilityUp, 0, 0, false);
        }
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
     * @param scoreHigh   the most the score could be, given the purchases' uncertainty (reliability at the 95 %
     *                    interval's upper end); the score itself is the least. Null with grade "?"
     * @param cap         why the grade is lower than the score alone would give: "reliability" or "lost_money";
     *                    null when it is not
     * @param lostMoney   a purchase in the last 30 days lost the buyer money for good
     */
    public record Score(Double score, String grade, Map<String, Component> components, Double scoreHigh, String cap,
            boolean lostMoney) {

        public Score(Double score, String grade, Map<String, Component> components) {
            this(score, grade, components, score, null, false);
        }

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
        callbacks(evidence, components);
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
            return new Score(null, "?", components, null, null, evidence.lostMoneyRecently());
        }
        double score = weighted(components, null);
        double upper = (double) reliability.inputs().get("wilson_upper_95");
        double high = weighted(components, 100 * upper);
        String grade = grade(score);
        String cap = null;
        String allowed = reliabilityGrade((double) reliability.inputs().get("wilson_lower_95"));
        if (worse(allowed, grade)) {
            grade = allowed;
            cap = "reliability";
        }
        if (evidence.lostMoneyRecently() && worse("C", grade)) {
            grade = "C";
            cap = "lost_money";
        }
        if (evidence.checkoutOnly() && worse("B", grade)) {
            grade = "B";
            cap = "checkout_only";
        }
        return new Score(round(score), grade, components, round(high), cap, evidence.lostMoneyRecently());
    }

    /** The weighted mean of the components there are; {@code reliability} instead of its own when given. */
    private double weighted(Map<String, Component> components, Double reliability) {
        double total = 0;
        double weights = 0;
        for (Map.Entry<String, Component> e : components.entrySet()) {
            double weight = settings.weights().getOrDefault(e.getKey(), 0.0);
            double value = reliability != null && e.getKey().equals("reliability") ? reliability : e.getValue().score();
            total += weight * value;
            weights += weight;
        }
        return weights == 0 ? 0 : total / weights;
    }

    /** The best grade purchase reliability alone allows: its Wilson lower bound against each grade's floor. */
    String reliabilityGrade(double lower) {
        for (Map.Entry<String, Double> floor : settings.reliabilityForGrade().entrySet()) {
            if (lower >= floor.getValue()) {
                return floor.getKey();
            }
        }
        return "F";
    }

    private static boolean worse(String a, String b) {
        return "ABCDF".indexOf(a) > "ABCDF".indexOf(b);
    }

    /**
     * Callbacks: the share of purchases whose notify came (a buyer who cannot query learns of a payment only by it),
     * for protocols that notify at all, once there are five purchases to judge.
     */
    private static void callbacks(Evidence evidence, Map<String, Component> components) {
        if (evidence.callbacksExpected() < 5) {
            return;
        }
        double missing = (double) evidence.callbacksMissing() / evidence.callbacksExpected();
        components.put("callbacks", new Component(100 * (1 - missing), ordered("purchases_30d",
                evidence.callbacksExpected(), "notify_missing", evidence.callbacksMissing())));
    }

    /**
     * Recency-weighted Wilson lower bound, with Kish's effective sample size; a failure that cost money weighs
     * {@code moneyLossWeight} failures in the success ratio (not in the sample size: it is one purchase).
     */
    private Component reliability(List<Purchase> purchases, Instant now) {
        double sum = 0;
        double squares = 0;
        double successes = 0;
        double bad = 0;
        int lost = 0;
        double halfLifeMillis = settings.halfLife().toMillis();
        for (Purchase p : purchases) {
            double age = Math.max(0, Duration.between(p.at(), now).toMillis());
            double weight = Math.pow(0.5, age / halfLifeMillis);
            sum += weight;
            squares += weight * weight;
            if (p.success()) {
                successes += weight;
            } else {
                bad += weight * (p.lostMoney() ? settings.moneyLossWeight() : 1);
                lost += p.lostMoney() ? 1 : 0;
            }
        }
        double n = squares == 0 ? 0 : sum * sum / squares;
        double phat = successes + bad == 0 ? 0 : successes / (successes + bad);
        double lower = n == 0 ? 0 : wilsonLower(phat, n);
        double upper = n == 0 ? 1 : wilsonUpper(phat, n);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("purchases", purchases.size());
        inputs.put("money_losing_failures", lost);
        inputs.put("effective_purchases", round(n));
        inputs.put("weighted_success_ratio", round(phat));
        inputs.put("wilson_lower_95", round(lower));
        inputs.put("wilson_upper_95", round(upper));
        return new Component(100 * lower, inputs);
    }

    static double wilsonLower(double phat, double n) {
        return Math.max(0, wilson(phat, n, -1));
    }

    static double wilsonUpper(double phat, double n) {
        return Math.min(1, wilson(phat, n, 1));
    }

    private static double wilson(double phat, double n, int side) {
        double z2 = Z * Z;
        double centre = phat + z2 / (2 * n);
        double margin = Z * Math.sqrt(phat * (1 - phat) / n + z2 / (4 * n * n));
        return (centre + side * margin) / (1 + z2 / n);
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
