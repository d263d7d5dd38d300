package cardwatch.monitor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The score's evidence as read from the real schema (H2 with the Flyway migrations). */
class ScoreEvidenceTest {

    private static final Instant NOW = Instant.parse("2026-11-20T04:00:00Z");
    private JdbcClient jdbc;
    private DriverManagerDataSource db;
    private ScoreEvidence evidence;
    private int fire;

    @BeforeEach
    void start() {
        db = new DriverManagerDataSource(
                "jdbc:h2:mem:score-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
        evidence = new ScoreEvidence(jdbc);
    }

    private void run(String platform, String probe, String outcome, String reason, Duration ago, Long deliveryMs,
            String refund, Long refundMs) {
        Instant at = NOW.minus(ago);
        Instant fired = NOW.minusSeconds(++fire);
        jdbc.sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                + "outcome, reason, delivery_ms, status, refund_outcome, refund_ms) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'done', ?, ?)")
                .params(platform, probe, fired.atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC),
                        at.atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC), outcome, reason, deliveryMs, refund,
                        refundMs)
                .update();
    }

    @Test
    void maintenanceAndErrorRunsAreNotEvidenceAndOldRunsAreNotRead() {
        run("p", "purchase", "success", "delivered", Duration.ofHours(1), 3000L, null, null);
        run("p", "purchase", "failure", "not_delivered", Duration.ofHours(2), null, null, null);
        run("p", "purchase", "failure", "maintenance", Duration.ofHours(3), null, null, null);
        run("p", "purchase", "error", "network", Duration.ofHours(4), null, null, null);
        run("p", "purchase", "success", "delivered", Duration.ofDays(61), 1000L, null, null);
        run("p", "availability", "success", "up", Duration.ofHours(1), null, null, null);
        run("p", "availability", "failure", "maintenance", Duration.ofHours(1), null, null, null);
        run("p", "availability", "failure", "http_5xx", Duration.ofHours(2), null, null, null);
        run("p", "availability", "failure", "http_5xx", Duration.ofDays(7), null, null, null); // 7 days before today
        run("other", "purchase", "success", "delivered", Duration.ofHours(1), 1000L, null, null);
        // storefront checks are read from the daily roll-up, as the public pages keep it
        new cardwatch.monitor.site.RunDaily(db).rebuild(LocalDate.parse("2026-11-01"),
                java.time.ZoneId.of("Asia/Shanghai"), NOW);

        ScoreCalculator.Evidence e = evidence.read("p", NOW);

        assertThat(e.purchases()).extracting(ScoreCalculator.Purchase::success).containsExactly(false, true);
        assertThat(e.deliveryMillis()).containsExactly(3000L);
        assertThat(e.availabilityRuns()).isEqualTo(2);
        assertThat(e.availabilityUp()).isEqualTo(1);
    }

    @Test
    void refundsCountOnlySettledWatchesAndLateRefundsAreNotInTime() {
        run("p", "purchase", "failure", "not_delivered", Duration.ofHours(1), null, "refunded", 60_000L);
        run("p", "purchase", "failure", "not_delivered", Duration.ofHours(2), null, "refunded",
                Duration.ofHours(30).toMillis());
        run("p", "purchase", "failure", "not_delivered", Duration.ofHours(3), null, "not_refunded", null);
        run("p", "purchase", "failure", "not_delivered", Duration.ofHours(4), null, "pending", null);

        ScoreCalculator.Evidence e = evidence.read("p", NOW);

        assertThat(e.refundsSettled()).isEqualTo(3);
        assertThat(e.refundedInTime()).isEqualTo(1);
        assertThat(e.refundMillis()).containsExactlyInAnyOrder(60_000L, Duration.ofHours(30).toMillis());
        assertThat(e.complaintDays()).as("watched since the first run, 4 h ago").isCloseTo(4 / 24.0,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void complaintsWeighTheirMostSevereCategoryAndResolvedOnesHalf() {
        double none = evidence.complaintWeight("", "open");
        assertThat(none).isEqualTo(1);
        assertThat(evidence.complaintWeight("slow_delivery", "open")).isEqualTo(2);
        assertThat(evidence.complaintWeight("slow_delivery,scam", "open")).isEqualTo(4);
        assertThat(evidence.complaintWeight("slow_delivery,scam", "resolved")).isEqualTo(2);
    }

    @Test
    void aPersonalFilingIsReadFromTheStoredFacts() {
        jdbc.sql("insert into icp_status (platform_id, status, facts, checked_at) values ('p', 'valid', ?, ?)")
                .params("{\"nature_name\":\"个人\",\"personal_filing\":\"true\"}", NOW.atOffset(ZoneOffset.UTC))
                .update();
        ScoreCalculator.Evidence e = evidence.read("p", NOW);
        assertThat(e.icpStatus()).isEqualTo("valid");
        assertThat(e.personalFiling()).isTrue();
        assertThat(evidence.read("q", NOW).icpStatus()).isNull();
    }

    @Test
    void threeLuckyPurchasesDoNotOutrankThreeHundredGoodOnesThroughTheWholePipeline() {
        for (int i = 0; i < 3; i++) {
            run("lucky", "purchase", "success", "delivered", Duration.ofHours(i + 1), 2000L, null, null);
        }
        for (int i = 0; i < 300; i++) {
            boolean ok = i % 50 != 0;
            run("steady", "purchase", ok ? "success" : "failure", ok ? "delivered" : "not_delivered",
                    Duration.ofMinutes(60L * i + 5), ok ? 2000L : null, null, null);
        }
        ScoreCalculator calculator = new ScoreCalculator(ScoreCalculator.Settings.defaults());

        ScoreCalculator.Score lucky = calculator.score(evidence.read("lucky", NOW), NOW);
        ScoreCalculator.Score steady = calculator.score(evidence.read("steady", NOW), NOW);

        assertThat(lucky.grade()).isEqualTo("?");
        assertThat(lucky.score()).isNull();
        assertThat(steady.grade()).isNotEqualTo("?");
        assertThat(steady.components().get("reliability").score())
                .isGreaterThan(lucky.components().get("reliability").score());
    }

    @Test
    void historyKeepsOneRowPerDayTheLastComputed() {
        LocalDate day = LocalDate.of(2026, 11, 20);
        evidence.saveDaily("p", day.minusDays(1), new ScoreCalculator.Score(71.0, "C", java.util.Map.of()), NOW);
        evidence.saveDaily("p", day, new ScoreCalculator.Score(null, "?", java.util.Map.of()), NOW);
        evidence.saveDaily("p", day, new ScoreCalculator.Score(82.5, "B", java.util.Map.of()), NOW);

        assertThat(evidence.history("p", 90)).containsExactly(new ScoreEvidence.Day(day.minusDays(1), 71.0, "C"),
                new ScoreEvidence.Day(day, 82.5, "B"));
        assertThat(evidence.history("p", 1)).containsExactly(new ScoreEvidence.Day(day, 82.5, "B"));
    }
}
