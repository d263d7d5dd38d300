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
 * history row per platform and day. Scores are recomputed after each run, on a schedule
 * ({@code cardwatch.score.every}) and whenever one is asked for.
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

    /** After every run: the score follows the evidence at once (it runs after the other findings are stored). */
    @Override
    public void record(String platform, String probe, ProbeResult result, Instant at) {
        catalog.find(platform).ifPresent(this::compute);
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
