package cardwatch.monitor.crowd;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import cardwatch.monitor.system.MutableClock;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Each field's rule, the limits per address and network, and the challenge, the last two shared by instances. */
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

    /** Two instances sharing one database, as a cluster does. */
    private final DriverManagerDataSource db = new DriverManagerDataSource(
            "jdbc:h2:mem:report-rules-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final MutableClock clock = new MutableClock();
    private final JdbcClient jdbc;

    {
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = JdbcClient.create(db);
        jdbc.sql("insert into crowd_secret (id, secret) values (1, 'k')").update();
    }

    private ReportLimits limits() {
        return new ReportLimits(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)), clock,
                ReportRulesTest::hash, PER_ADDRESS, PER_NETWORK);
    }

    /** A stand-in for the service's keyed hash: one way, as it is. */
    private static String hash(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final int PER_ADDRESS = 3;
    private static final int PER_NETWORK = 10;

    @Test
    void anAddressAndItsNetworkHaveTheirLimitsPerWindowOnEveryInstance() {
        ReportLimits first = limits();
        ReportLimits second = limits();
        for (int i = 0; i < PER_ADDRESS; i++) {
            assertThat((i % 2 == 0 ? first : second).take("203.0.113.7")).isTrue();
        }
        assertThat(first.take("203.0.113.7")).as("the address at its limit").isFalse();
        assertThat(second.take("203.0.113.7")).as("on the other instance too").isFalse();
        // its neighbours in the same /24 share the network's limit: 10 in all, wherever they are sent
        int neighbours = 0;
        for (int host = 1; host <= 20; host++) {
            if ((host % 2 == 0 ? first : second).take("203.0.113." + (100 + host))) {
                neighbours++;
            }
        }
        assertThat(neighbours).isEqualTo(PER_NETWORK - PER_ADDRESS);
        assertThat(first.take("198.51.100.7")).as("another network").isTrue();
        // IPv6: a /48 is one network
        for (int i = 0; i < PER_NETWORK; i++) {
            assertThat(second.take("2001:db8:1:" + Integer.toHexString(i) + "::1")).isTrue();
        }
        assertThat(first.take("2001:db8:1:ffff::1")).isFalse();
        assertThat(first.take("2001:db8:2::1")).isTrue();
        assertThat(jdbc.sql("select count(*) from crowd_attempt where address_hash like '%203.0.113.7%' "
                + "or network_hash like '%203.0.113%'").query(Long.class).single())
                .as("only what the hash makes of an address is kept").isZero();

        clock.advance(ReportLimits.WINDOW.plusSeconds(1));
        assertThat(second.take("203.0.113.7")).as("a new window").isTrue();
        assertThat(jdbc.sql("select count(*) from crowd_attempt").query(Long.class).single())
                .as("the last window's counts are gone").isEqualTo(1);
    }

    @Test
    void theChallengeTakesTheRightSumOnceOnAnyInstanceWithinItsTimeAndNothingForged() {
        Challenge challenge = new Challenge(new byte[32], clock,
                body -> ReportLimits.spend(jdbc, clock, ReportRulesTest::hash, body));
        Challenge elsewhere = new Challenge(new byte[32], clock,
                body -> ReportLimits.spend(jdbc, clock, ReportRulesTest::hash, body));
        Challenge.Issued issued = challenge.issue();
        String right = Integer.toString(issued.a() + issued.b());

        assertThat(challenge.passes(issued.token(), Integer.toString(issued.a() + issued.b() + 1))).isFalse();
        assertThat(challenge.passes(issued.token(), right)).isTrue();
        assertThat(challenge.passes(issued.token(), right)).as("spent").isFalse();
        assertThat(elsewhere.passes(issued.token(), right)).as("spent on every instance").isFalse();

        Challenge.Issued other = challenge.issue();
        String forged = "1.1" + other.token().substring(3); // claims 1 + 1, signed for other digits
        assertThat(challenge.passes(forged, "2")).isFalse();
        assertThat(new Challenge(new byte[] {1}, clock, body -> true).passes(other.token(),
                Integer.toString(other.a() + other.b()))).as("another key").isFalse();
        clock.advance(Challenge.VALID.plusSeconds(1));
        assertThat(challenge.passes(other.token(), Integer.toString(other.a() + other.b()))).as("too old").isFalse();
        assertThat(challenge.passes("not a token", "2")).isFalse();
        assertThat(challenge.passes(null, "2")).isFalse();
        Challenge.Issued late = elsewhere.issue();
        assertThat(elsewhere.passes(late.token(), Integer.toString(late.a() + late.b()))).isTrue();
        assertThat(jdbc.sql("select count(*) from crowd_spent").query(Long.class).single())
                .as("marks older than a challenge's life are gone").isEqualTo(1);
    }
}
