package cardwatch.monitor.crowd;

import cardwatch.monitor.admin.AuditLog;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.CardwatchProperties;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes buyers' reports: checks each field, the challenge, the limits per address and network, and duplicates, and
 * stores what passes; counts each outcome in {@code cardwatch_crowd_reports_total{result}}. Reads them back as
 * counts per hour, and says whether the last hour is a spike. Reports are never read by the score or the incidents.
 */
@Component
public class ReportDesk {

    static final String METER = "cardwatch.crowd.reports";
    /** The same reporter, platform and symptom within this is the same report. */
    static final Duration SAME_REPORT = Duration.ofHours(1);
    /** The same order number against the same platform within this is the same report. */
    static final Duration SAME_ORDER = Duration.ofDays(7);
    static final Duration BASELINE = Duration.ofDays(7);
    static final Duration RECENT_FOR = Duration.ofSeconds(15);

    /** What came of a report. */
    public enum Outcome {
        STORED, DUPLICATE, LIMITED, CHALLENGE_FAILED, INVALID, UNKNOWN_PLATFORM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What came of a report, and its field problems when it was invalid. */
    public record Received(Outcome outcome, Map<String, ReportForm.Problem> problems) {
    }

    /** A stored report as the admin API lists it: never its hashes. */
    public record Listed(long id, String platform, String symptom, Instant happenedAt, java.math.BigDecimal amount,
            boolean orderGiven, Instant receivedAt, boolean hidden) {
    }

    private final JdbcClient jdbc;
    private final PlatformCatalog catalog;
    private final AuditLog audit;
    private final Clock clock;
    private final ZoneId zone;
    private final byte[] key;
    private final Challenge challenge;
    private final ReportLimits limits;
    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
    private final Cache<String, Recent> recent;

    public ReportDesk(JdbcClient jdbc, PlatformTransactionManager transactions, PlatformCatalog catalog, AuditLog audit,
            Clock clock, CardwatchProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.audit = audit;
        this.clock = clock;
        this.zone = ZoneId.of(properties.schedule().timeZone());
        this.key = HexFormat.of().parseHex(sharedKey(jdbc));
        this.recent = Caffeine.newBuilder().expireAfterWrite(RECENT_FOR).maximumSize(10_000)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
        this.challenge = new Challenge(key, clock, body -> ReportLimits.spend(jdbc, clock, this::hash, body));
        this.limits = new ReportLimits(jdbc, new TransactionTemplate(transactions), clock, this::hash, properties.reports().perAddress(),
                properties.reports().perNetwork());
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder(METER).description("Buyers' reports by what came of them: stored, "
                    + "duplicate, limited (too many from one address or network), challenge_failed, invalid, "
                    + "unknown_platform").tag("result", outcome.label()).register(registry));
        }
    }

    /** The key every instance shares: made by the first to start, read by the others. */
    private static String sharedKey(JdbcClient jdbc) {
        List<String> existing = jdbc.sql("select secret from crowd_secret where id = 1").query(String.class).list();
        if (!existing.isEmpty()) {
            return existing.get(0);
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
            jdbc.sql("insert into crowd_secret (id, secret) values (1, ?)").param(HexFormat.of().formatHex(fresh))
                    .update();
        } catch (DuplicateKeyException e) {
            // another instance made it first: theirs
        }
        return jdbc.sql("select secret from crowd_secret where id = 1").query(String.class).single();
    }

    public ZoneId zone() {
        return zone;
    }

    public Challenge.Issued challenge() {
        return challenge.issue();
    }

    /** Takes a report from {@code address}; stores it only when every check passes. */
    public Received receive(String platform, ReportForm form, String token, String answer, String address) {
        Instant now = clock.instant();
        if (catalog.find(platform).isEmpty()) {
            return counted(Outcome.UNKNOWN_PLATFORM, Map.of());
        }
        ReportForm.Result checked = form.check(now, zone);
        if (checked.report().isEmpty()) {
            return counted(Outcome.INVALID, checked.problems());
        }
        if (!challenge.passes(token, answer)) {
            return counted(Outcome.CHALLENGE_FAILED, Map.of());
        }
        if (!limits.take(address)) {
            return counted(Outcome.LIMITED, Map.of());
        }
        ReportForm.Checked report = checked.report().get();
        String reporter = hash("reporter:" + address);
        String order = report.order() == null ? null : hash("order:" + platform + ":" + report.order());
        return counted(store(platform, report, reporter, order, now) ? Outcome.STORED : Outcome.DUPLICATE, Map.of());
    }

    /** Stores a report unless it is one already stored; one at a time, so that two alike are not both stored. */
    private synchronized boolean store(String platform, ReportForm.Checked report, String reporter, String order,
            Instant now) {
        boolean duplicate = jdbc.sql("select count(*) from crowd_report where platform_id = ? and ((reporter_hash = ? "
                        + "and symptom = ? and received_at >= ?) or (order_hash = ? and received_at >= ?))")
                .params(platform, reporter, report.symptom().code(), utc(now.minus(SAME_REPORT)), order,
                        utc(now.minus(SAME_ORDER)))
                .query(Long.class).single() > 0;
        if (duplicate) {
            return false;
        }
        jdbc.sql("insert into crowd_report (platform_id, symptom, happened_at, amount, order_hash, reporter_hash, "
                        + "received_at) values (?, ?, ?, ?, ?, ?, ?)")
                .params(platform, report.symptom().code(), utc(report.happenedAt()), report.amount(), order,
                        reporter, utc(now))
                .update();
        recent.invalidate(platform);
        return true;
    }

    private Received counted(Outcome outcome, Map<String, ReportForm.Problem> problems) {
        counters.get(outcome).increment();
        return new Received(outcome, problems);
    }

    /**
     * A platform's visible reports of the last 24 hours, per hour from {@code from} (oldest first), and whether the
     * last hour is a spike against the week before.
     */
    public record Recent(Instant from, long[] hourly, boolean spike) {

        public long total() {
            return java.util.Arrays.stream(hourly).sum();
        }

        public long max() {
            return java.util.Arrays.stream(hourly).max().orElse(0);
        }
    }

    /**
     * {@link Recent} for a platform's pages, read again at most every {@link #RECENT_FOR} (at once after a report is
     * stored or hidden on this instance; another instance's within that time).
     */
    public Recent recent(String platform) {
        return recent.get(platform, this::readRecent);
    }

    private Recent readRecent(String platform) {
        Instant now = clock.instant();
        Instant from = now.minus(Duration.ofHours(24));
        Instant hourAgo = now.minus(Duration.ofHours(1));
        long[] counts = new long[24];
        long lastHour = 0;
        for (Instant at : jdbc.sql("select received_at from crowd_report where platform_id = ? and not hidden "
                        + "and received_at > ? and received_at <= ?").params(platform, utc(from), utc(now))
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant()).list()) {
            counts[(int) Math.min(23, Duration.between(from, at).toHours())]++;
            lastHour += at.isAfter(hourAgo) ? 1 : 0;
        }
        long before = count(platform, hourAgo.minus(BASELINE), hourAgo);
        return new Recent(from, counts, SpikeDetector.spike(lastHour, before / (double) BASELINE.toHours()));
    }

    /** Each platform's visible reports received since a time (platforms with none are absent). */
    public Map<String, Long> countsSince(Instant since) {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("select platform_id, count(*) from crowd_report where not hidden and received_at > ? "
                        + "group by platform_id").param(utc(since))
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private long count(String platform, Instant from, Instant to) {
        return jdbc.sql("select count(*) from crowd_report where platform_id = ? and not hidden and received_at > ? "
                + "and received_at <= ?").params(platform, utc(from), utc(to)).query(Long.class).single();
    }

    /** The newest reports, all platforms' or one's, hidden ones too. */
    public List<Listed> recent(String platform, int limit) {
        return jdbc.sql("select id, platform_id, symptom, happened_at, amount, order_hash, received_at, hidden "
                        + "from crowd_report " + (platform == null ? "" : "where platform_id = :platform ")
                        + "order by id desc limit :limit")
                .paramSource(platform == null ? Map.of("limit", limit) : Map.of("platform", platform, "limit", limit))
                .query((rs, n) -> new Listed(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getBigDecimal(5), rs.getString(6) != null,
                        rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getBoolean(8)))
                .list();
    }

    /** Hides a report from the pages and the counts (it stays, marked); false when there is none or it was hidden. */
    @Transactional
    public boolean hide(long id, String actor) {
        List<String> platform = jdbc.sql("select platform_id from crowd_report where id = ? and not hidden").param(id)
                .query(String.class).list();
        if (platform.isEmpty()) {
            return false;
        }
        jdbc.sql("update crowd_report set hidden = true, hidden_by = ? where id = ?").params(actor, id).update();
        recent.invalidate(platform.get(0));
        audit.record(actor, "hide_report", platform.get(0), "{\"report\":" + id + ",\"hidden\":false}",
                "{\"report\":" + id + ",\"hidden\":true}");
        return true;
    }

    private String hash(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
