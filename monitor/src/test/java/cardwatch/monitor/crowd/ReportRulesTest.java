package cardwatch.monitor.crowd;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Each field's rule, the limits per address and network, and the challenge. */
class ReportRulesTest {

    private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z"); // 20:00 in China

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            no symptom      |                 | 2026-12-01T19:30 | none   | none          | symptom  | report.error.symptom
            unknown symptom | stolen_car      | 2026-12-01T19:30 | none   | none          | symptom  | report.error.symptom
            no time         | not_received    |                  | none   | none          | happened | report.error.happened.missing
            bad time        | not_received    | yesterday        | none   | none          | happened | report.error.happened.format
            future          | not_received    | 2026-12-01T21:00 | none   | none          | happened | report.error.happened.future
            too old         | not_received    | 2026-11-20T19:30 | none   | none          | happened | report.error.happened.old
            amount text     | not_received    | 2026-12-01T19:30 | 三十   | none          | amount   | report.error.amount.format
            amount zero     | not_received    | 2026-12-01T19:30 | 0      | none          | amount   | report.error.amount.range
            amount huge     | not_received    | 2026-12-01T19:30 | 99999  | none          | amount   | report.error.amount.range
            amount cents    | not_received    | 2026-12-01T19:30 | 1.005  | none          | amount   | report.error.amount.range
            order short     | not_received    | 2026-12-01T19:30 | none   | 12            | order    | report.error.order
            order markup    | not_received    | 2026-12-01T19:30 | none   | <b>123456</b> | order    | report.error.order
            """)
    void eachBadFieldIsNamedAndNothingIsAccepted(String name, String symptom, String happened, String amount,
            String order, String field, String key) {
        ReportForm.Result result = new ReportForm(symptom, happened, amount, order).check(NOW, CHINA);
        assertThat(result.report()).isEmpty();
        assertThat(result.problems()).containsOnlyKeys(field);
        assertThat(result.problems().get(field).key()).isEqualTo(key);
    }

    @Test
    void aGoodReportIsReadInChinaTime() {
        ReportForm.Result result = new ReportForm(" duplicate_charge ", "2026-12-01T19:30", "29.90", "A1B2-C3_D4")
                .check(NOW, CHINA);
        assertThat(result.problems()).isEmpty();
        ReportForm.Checked report = result.report().orElseThrow();
        assertThat(report.symptom()).isEqualTo(Symptom.DUPLICATE_CHARGE);
        assertThat(report.happenedAt()).isEqualTo(Instant.parse("2026-12-01T11:30:00Z"));
        assertThat(report.amount()).isEqualByComparingTo(new BigDecimal("29.90"));
        assertThat(report.order()).isEqualTo("A1B2-C3_D4");
        assertThat(new ReportForm("other", "2026-12-01T19:30", " ", "").check(NOW, CHINA).report().orElseThrow()
                .amount()).as("optional fields left empty").isNull();
    }

    @Test
    void anAddressAndItsNetworkHaveTheirLimitsPerWindow() {
        AtomicLong nanos = new AtomicLong();
        ReportLimits limits = new ReportLimits(nanos::get, ReportLimits.PER_ADDRESS, ReportLimits.PER_NETWORK);
        for (int i = 0; i < ReportLimits.PER_ADDRESS; i++) {
            assertThat(limits.take("203.0.113.7")).isTrue();
        }
        assertThat(limits.take("203.0.113.7")).as("the address at its limit").isFalse();
        // its neighbours in the same /24 share the network's limit: 10 in all
        int neighbours = 0;
        for (int host = 1; host <= 20; host++) {
            if (limits.take("203.0.113." + (100 + host))) {
                neighbours++;
            }
        }
        assertThat(neighbours).isEqualTo(ReportLimits.PER_NETWORK - ReportLimits.PER_ADDRESS);
        assertThat(limits.take("198.51.100.7")).as("another network").isTrue();
        // IPv6: a /48 is one network
        for (int i = 0; i < ReportLimits.PER_NETWORK; i++) {
            assertThat(limits.take("2001:db8:1:" + Integer.toHexString(i) + "::1")).isTrue();
        }
        assertThat(limits.take("2001:db8:1:ffff::1")).isFalse();
        assertThat(limits.take("2001:db8:2::1")).isTrue();

        nanos.addAndGet(ReportLimits.WINDOW.plusSeconds(1).toNanos());
        assertThat(limits.take("203.0.113.7")).as("a new window").isTrue();
    }

    @Test
    void theChallengeTakesTheRightSumOnceWithinItsTimeAndNothingForged() {
        cardwatch.monitor.system.MutableClock clock = new cardwatch.monitor.system.MutableClock();
        Challenge challenge = new Challenge(new byte[32], clock);
        Challenge.Issued issued = challenge.issue();
        String right = Integer.toString(issued.a() + issued.b());

        assertThat(challenge.passes(issued.token(), Integer.toString(issued.a() + issued.b() + 1))).isFalse();
        assertThat(challenge.passes(issued.token(), right)).isTrue();
        assertThat(challenge.passes(issued.token(), right)).as("spent").isFalse();

        Challenge.Issued other = challenge.issue();
        String forged = "1.1" + other.token().substring(3); // claims 1 + 1, signed for other digits
        assertThat(challenge.passes(forged, "2")).isFalse();
        assertThat(new Challenge(new byte[] {1}, clock).passes(other.token(), Integer.toString(other.a() + other.b())))
                .as("another key").isFalse();
        clock.advance(Challenge.VALID.plusSeconds(1));
        assertThat(challenge.passes(other.token(), Integer.toString(other.a() + other.b()))).as("too old").isFalse();
        assertThat(challenge.passes("not a token", "2")).isFalse();
        assertThat(challenge.passes(null, "2")).isFalse();
    }
}
