package cardwatch.monitor.scoring;

import cardwatch.monitor.network.FirstContact;
import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.ProbeResult;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Computes each platform's trust score from its evidence, keeps the latest for the metrics, and writes one
 * history row per platform and day. A score is recomputed within {@code cardwatch.score.settle} (30 s) of a run that
 * moves it (a purchase, an ICP check, complaints), for every platform on a schedule ({@code cardwatch.score.every},
 * which also takes in the storefront checks), and whenever one is asked for; never once per run, which at fleet size
 * cost more than the runs.
 */
@Service
@Order(Ordered.LOWEST_PRECEDENCE)
public class ScoreService implements RunRecorder.FindingSink {

    private static final Logger log = LoggerFactory.getLogger(ScoreService.class);

    private final PlatformCatalog catalog;
    private final ScoreEvidence evidence;
    private final ScoreCalculator calculator;
    private final ZoneId zone;
    private final Clock clock;
    private final FirstContact contact;
    private final cardwatch.monitor.system.ProbeRegistry registry;
    private final Map<String, ScoreCalculator.Score> latest = new ConcurrentHashMap<>();
    /** Platforms with a run since their score was last computed, that the run moves. */
    private final java.util.Set<String> changed = ConcurrentHashMap.newKeySet();

    public ScoreService(PlatformCatalog catalog, ScoreEvidence evidence, CardwatchProperties properties, Clock clock,
            FirstContact contact, cardwatch.monitor.system.ProbeRegistry registry) {
        this.catalog = catalog;
        this.registry = registry;
        this.contact = contact;
        this.evidence = evidence;
        this.calculator = new ScoreCalculator(settings(properties.score()));
        this.zone = ZoneId.of(properties.schedule().timeZone());
        this.clock = clock;
    }

    public static ScoreCalculator.Settings settings(CardwatchProperties.Score score) {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("reliability", score.reliability());
        weights.put("delivery", score.delivery());
        weights.put("refunds", score.refunds());
        weights.put("compliance", score.compliance());
        weights.put("complaints", score.complaints());
        weights.put("availability", score.availability());
        weights.put("callbacks", score.callbacks());
        return new ScoreCalculator.Settings(weights, score.halfLife(), score.minEvidence(), score.deliveryMedian(),
                score.deliveryP95(), score.complaintsPerMonth(), score.refundMedian(), score.complaintsPrior(),
                score.complaintsPriorWorth().toMillis() / 86_400_000.0, score.moneyLossWeight(),
                ScoreCalculator.Settings.gradeFloors(score.gradeAReliability(), score.gradeBReliability(),
                        score.gradeCReliability(), score.gradeDReliability()));
    }

    /** The platform's score now, stored as today's history; empty for an unknown platform. */
    public Optional<ScoreCalculator.Score> compute(String platformId) {
        return catalog.find(platformId).map(this::compute);
    }

    private ScoreCalculator.Score compute(Platform platform) {
        Instant now = clock.instant();
        ScoreCalculator.Score score = contact.verified(platform.id())
                ? calculator.score(evidence.read(platform.id(), now, notifies(platform))
                        .checkoutOnly(Platform.MODE_CHECKOUT.equals(platform.purchaseMode())), now)
                : ScoreCalculator.Score.UNVERIFIED;
        latest.put(platform.id(), score);
        evidence.saveDaily(platform.id(), LocalDate.ofInstant(now, zone), score, now);
        return score;
    }

    /**
     * After a run: one that moves the score marks its platform for the next settle. A storefront check moves only its
     * small availability share, and comes every 30 s: the scheduled pass takes it in.
     */
    @Override
    public void record(String platform, String probe, ProbeResult result, Instant at) {
        if (!cardwatch.probes.availability.AvailabilityProbe.KIND.equals(probe)) {
            changed.add(platform);
        }
    }

    /** The platforms whose runs moved their score since the last settle. */
    @Scheduled(fixedDelayString = "${cardwatch.score.settle:30s}", initialDelayString = "${cardwatch.score.settle:30s}")
    public void computeChanged() {
        for (java.util.Iterator<String> it = changed.iterator(); it.hasNext(); ) {
            String platform = it.next();
            it.remove();
            try {
                compute(platform);
            } catch (RuntimeException e) {
                log.warn("trust score for {} not computed: {}", platform, e.toString());
            }
        }
    }

    @Scheduled(fixedDelayString = "${cardwatch.score.every:5m}", initialDelayString = "${cardwatch.score.every:5m}")
    public void computeAll() {
        for (Platform platform : catalog.all()) {
            try {
                compute(platform);
            } catch (RuntimeException e) {
                log.warn("trust score for {} not computed: {}", platform.id(), e.toString());
            }
        }
    }

    /** The last computed score, or empty before the first. */
    public Optional<ScoreCalculator.Score> latest(String platformId) {
        return Optional.ofNullable(latest.get(platformId));
    }

    /** Whether the platform's protocol notifies us (direct top-up APIs do; storefronts hear from their gateway). */
    private boolean notifies(Platform platform) {
        cardwatch.probes.purchase.PurchaseProtocol protocol = registry.protocols().get(platform.protocol());
        return protocol != null && protocol.notifies();
    }

    /** Whether the platform has ever answered; an unverified one gets no grade (see {@link FirstContact}). */
    public boolean verified(String platformId) {
        return contact.verified(platformId);
    }

    public ScoreEvidence evidence() {
        return evidence;
    }
}
