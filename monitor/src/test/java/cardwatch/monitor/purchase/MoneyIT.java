package cardwatch.monitor.purchase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.ledger.LedgerEntry;
import cardwatch.monitor.ledger.LedgerRepository;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.scheduling.ProbeDispatcher;
import cardwatch.monitor.system.MutableClock;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.TestTokens;
import cardwatch.simulator.Profile;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Money against simulated platforms that share the test's clock: refunds per profile (at once, hours late, never),
 * the double deduction, an unexplained balance change, a spent budget, the ledger API, and secrets that never
 * leave the process. Runs are fired directly; Quartz's cron for these platforms fires once a year.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:money-it;DB_CLOSE_DELAY=-1",
        "cardwatch.schedule.min-interval=1s",
        "cardwatch.refunds.deadline=24h",
        "cardwatch.budget.daily-global=100.00"})
class MoneyIT {

    static final String SECRET = "SeCrEt-ApIkEy-5f1d2c9a";
    static final MutableClock CLOCK = new MutableClock();
    static final Map<String, SimulatedPlatform> SIMS = new LinkedHashMap<>();
    static final Path DIR = tempDir();

    static {
        start("prompt-refund", Profiles.named("late-refund").always().withRefundDelay(Duration.ZERO));
        start("late-refund", Profiles.named("late-refund").always().withRefundDelay(Duration.ofHours(3)));
        start("no-refund", Profiles.named("no-refund").always());
        start("double-charge", Profiles.named("double-charge").always());
        start("reliable", Profiles.named("reliable"));
        start("tight-budget", Profiles.named("reliable"));
        start("malformed", Profiles.named("malformed").always());
        start("wakes", Profiles.named("reliable"));
        start("budgeted", Profiles.named("reliable"));
        writeConfig();
    }

    private static void start(String id, Profile profile) {
        SIMS.put(id, SimulatedPlatform.start(id, profile.withDelivery(Duration.ofMillis(100), 0), SECRET, 0, 3,
                CLOCK));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("money-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeConfig() {
        StringBuilder yaml = new StringBuilder("platforms:\n");
        SIMS.forEach((id, sim) -> yaml.append("""
                  - id: %s
                    names: { zh: %s, en: %s }
                    base-url: %s
                    protocol: yrapi
                    merchant-id: "10001"
                    credentials: { api-key: "file:yr-key" }
                    product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    schedule: { purchase: { cron: "0 0 3 1 1 ?" }%s }
                    deadlines: %s
                """.formatted(id, id, id, sim.baseUrl(),
                        id.equals("budgeted") ? ", availability: { cron: \"0 0 3 1 1 ?\" }" : "", id.equals("wakes")
                        ? "{ notify: 50s, confirm: 60s, poll-initial: 40s, poll-max: 40s }"
                        : "{ notify: 5s, confirm: 6s, poll-initial: 100ms, poll-max: 300ms }")).append(id.equals("budgeted")
                ? "    availability: { urls: [\"" + sim.baseUrl() + "\"] }\n" : "").append(id.equals("tight-budget")
                ? "    budget: { daily: 1.00 }\n" : ""));
        try {
            Files.writeString(DIR.resolve("platforms.yml"), yaml);
            Files.writeString(DIR.resolve("secrets.properties"), "yr-key=" + SECRET + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void files(DynamicPropertyRegistry registry) {
        registry.add("cardwatch.platforms-file", () -> DIR.resolve("platforms.yml").toString());
        registry.add("cardwatch.secrets-file", () -> DIR.resolve("secrets.properties").toString());
        TestTokens.register(registry);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FastClock {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @AfterAll
    static void stopSimulators() {
        SIMS.values().forEach(SimulatedPlatform::close);
    }

    @LocalServerPort
    int port;
    @Autowired
    ProbeDispatcher dispatcher;
    @Autowired
    RunRepository runs;
    @Autowired
    LedgerRepository ledger;
    @Autowired
    RefundWatch refunds;
    @Autowired
    cardwatch.monitor.run.RunGuard guard;

    private ProbeRun runOnce(String platform) {
        Instant fire = CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        dispatcher.fire(platform, "purchase", fire);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.recent(platform, 20).stream()
                .anyMatch(r -> r.scheduledFire().equals(fire) && r.endedAt() != null)
                && !guard.isHeld(platform, "purchase"));
        return runs.recent(platform, 20).stream().filter(r -> r.scheduledFire().equals(fire)).findFirst()
                .orElseThrow();
    }

    private String metrics() {
        return new ServiceClient(port).get("/actuator/prometheus").body();
    }

    private static BigDecimal fallOf(String platform) {
        return SimulatedPlatform.OPENING_BALANCE.subtract(SIMS.get(platform).platform().balance());
    }

    private BigDecimal netSpend(String platform) {
        BigDecimal net = BigDecimal.ZERO;
        for (LedgerEntry entry : ledger.list(platform, null, null, 1000)) {
            net = net.subtract(entry.balanceEffect());
        }
        return net;
    }

    @Test
    void aFailedOrderRefundedAtOnceIsRefundedWithTheRun() {
        ProbeRun run = runOnce("prompt-refund");

        assertThat(run.reason()).isEqualTo("upstream_failed");
        assertThat(run.flags()).containsExactly("refunded");
        assertThat(run.refund()).isEqualTo("refunded");
        assertThat(ledger.list("prompt-refund", null, null, 100)).filteredOn(e -> e.runId() == run.id())
                .extracting(LedgerEntry::kind).containsExactly("charge", "refund");
        assertThat(netSpend("prompt-refund")).isEqualByComparingTo(fallOf("prompt-refund")).isZero();
    }

    @Test
    void aRefundThreeHoursLateIsSeenByTheWatchWithItsLatency() throws Exception {
        ProbeRun run = runOnce("late-refund");
        assertThat(run.flags()).containsExactly("refund_pending");
        assertThat(run.refund()).isEqualTo("pending");

        CLOCK.advance(Duration.ofMinutes(90));
        refunds.sweep();
        assertThat(runs.get(run.id()).refund()).as("not yet").isEqualTo("pending");

        CLOCK.advance(Duration.ofMinutes(91));
        refunds.sweep();

        ProbeRun after = runs.get(run.id());
        assertThat(after.refund()).isEqualTo("refunded");
        assertThat(after.flags()).containsExactly("refunded");
        assertThat(after.refundMs()).isBetween(Duration.ofHours(3).toMillis(), Duration.ofHours(3).plusMinutes(5)
                .toMillis());
        assertThat(metrics()).contains("cardwatch_refunds_total{outcome=\"refunded\",platform=\"late-refund\"} 1.0")
                .containsPattern("cardwatch_refund_seconds_count [1-9]");
        assertThat(netSpend("late-refund")).isEqualByComparingTo(fallOf("late-refund"));
    }

    @Test
    void aFailedOrderNeverRefundedIsNotRefundedAfterTheDeadline() throws Exception {
        ProbeRun run = runOnce("no-refund");
        assertThat(run.flags()).containsExactly("refund_pending");

        CLOCK.advance(Duration.ofHours(25));
        refunds.sweep();

        ProbeRun after = runs.get(run.id());
        assertThat(after.refund()).isEqualTo("not_refunded");
        assertThat(after.flags()).containsExactly("not_refunded");
        assertThat(metrics()).contains(
                "cardwatch_refunds_total{outcome=\"not_refunded\",platform=\"no-refund\"} 1.0");
        assertThat(netSpend("no-refund")).isEqualByComparingTo("0.98").isEqualByComparingTo(fallOf("no-refund"));
    }

    @Test
    void aSecondDeductionForOneOrderIsADuplicateChargeWithEvidence() {
        ProbeRun run = runOnce("double-charge");

        assertThat(run.outcome()).isEqualTo("failure");
        assertThat(run.reason()).isEqualTo("duplicate_charge");
        assertThat(run.evidence()).contains("twice").contains(run.platformOrderNo());
        assertThat(ledger.list("double-charge", null, null, 100)).filteredOn(e -> e.runId() == run.id())
                .extracting(LedgerEntry::kind, LedgerEntry::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("charge", "answer"),
                        org.assertj.core.groups.Tuple.tuple("charge", "balance"));
        assertThat(metrics()).contains("cardwatch_ledger_discrepancies_total{kind=\"duplicate_charge\","
                + "platform=\"double-charge\"} 1.0")
                .contains("cardwatch_probe_runs_total{outcome=\"failure\",platform=\"double-charge\","
                        + "probe=\"purchase\",reason=\"duplicate_charge\"} 1.0");
        assertThat(netSpend("double-charge")).isEqualByComparingTo(fallOf("double-charge"));
    }

    @Test
    void aBalanceChangeNoOrderExplainsIsAnUnexplainedDiscrepancy() {
        runOnce("reliable");
        SIMS.get("reliable").platform().adjustBalance(new BigDecimal("-5.00"));

        ProbeRun next = runOnce("reliable");

        assertThat(next.outcome()).isEqualTo("success");
        List<LedgerEntry> adjustments = ledger.list("reliable", null, null, 100).stream()
                .filter(e -> e.kind().equals("adjustment")).toList();
        assertThat(adjustments).singleElement().satisfies(e -> {
            assertThat(e.amount()).isEqualByComparingTo("-5.00");
            assertThat(e.source()).isEqualTo("balance");
        });
        assertThat(metrics()).contains("cardwatch_ledger_discrepancies_total{kind=\"unexplained_balance_change\","
                + "platform=\"reliable\"} 1.0");
        assertThat(netSpend("reliable")).isEqualByComparingTo(fallOf("reliable"));
    }

    /**
     * The run's first query is 40 s after its submit; the platform notifies 0.1 s after it. The notify wakes the
     * waiting run at once: it ends long before its first poll would, with the notify seen.
     */
    @Test
    void aNotifyWakesItsWaitingRunAtOnce() {
        ProbeRun run = runOnce("wakes");

        assertThat(run.outcome()).as(run.evidence()).isEqualTo("success");
        assertThat(run.flags()).doesNotContain("notify_missing");
        assertThat(run.phasesMs().get("confirm")).as("confirmed by the notify, not by the poll at 40 s")
                .isLessThan(20_000L);
    }

    /**
     * The metric budget: a platform that buys and has its storefront checked, after runs of both, has at most 21
     * series of its own in the scrape (with 20,000 platforms, 420,000 series).
     */
    @Test
    void aPlatformCostsAtMostTwentyOneSeries() {
        runOnce("budgeted");
        runOnce("budgeted");
        Instant fire = CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        dispatcher.fire("budgeted", "availability", fire);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.recent("budgeted", "availability", 5).stream()
                .anyMatch(r -> r.endedAt() != null));

        List<String> series = metrics().lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.contains("platform=\"budgeted\"")).toList();

        assertThat(series).as(String.join("\n", series)).hasSizeLessThanOrEqualTo(
                cardwatch.monitor.run.ProbeMeters.SERIES_PER_PLATFORM);
        assertThat(series).anyMatch(l -> l.startsWith("cardwatch_probe_runs_total{") && l.contains("availability"))
                .anyMatch(l -> l.startsWith("cardwatch_purchase_delivery_seconds_bucket{"))
                .anyMatch(l -> l.startsWith("cardwatch_probe_interval_seconds{"));
    }

    @Test
    void aRunThatWouldExceedTheDailyBudgetSubmitsNothing() {
        assertThat(runOnce("tight-budget").outcome()).isEqualTo("success");
        int orders = SIMS.get("tight-budget").platform().orders().size();

        ProbeRun refused = runOnce("tight-budget");

        assertThat(refused.outcome()).isEqualTo("error");
        assertThat(refused.reason()).isEqualTo("budget");
        assertThat(refused.evidence()).contains("daily budget of 1.00 yuan for platform tight-budget");
        assertThat(SIMS.get("tight-budget").platform().orders()).hasSize(orders);
        String budget = new ServiceClient(port).withToken(TestTokens.READ).get("/api/v1/budget").body();
        assertThat(budget).contains("{\"platform\":\"tight-budget\",\"cap\":1.00,\"used\":0.98,\"remaining\":0.02}");
        // a scrape reads the day's usage at most once a second
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics())
                .contains("cardwatch_budget_remaining_yuan{platform=\"tight-budget\"} 0.02")
                .contains("cardwatch_budget_global_remaining_yuan "));
    }

    @Test
    void aGarbledAnswerOnADeliveredOrderIsTheirFailureButOwesNoRefund() {
        ProbeRun run = runOnce("malformed");

        assertThat(run.reason()).isEqualTo("protocol_error");
        assertThat(run.deliveryMs()).as("the code did arrive").isNotNull();
        assertThat(run.refund()).isNull();
        assertThat(run.flags()).isEmpty();
        assertThat(netSpend("malformed")).isEqualByComparingTo(fallOf("malformed")).isEqualByComparingTo("0.98");
    }

    @Test
    void theLedgerIsListedSummedAndExported() {
        runOnce("prompt-refund");
        ServiceClient client = new ServiceClient(port).withToken(TestTokens.READ);

        String entries = client.get("/api/v1/ledger?platform=prompt-refund").body();
        assertThat(entries).contains("\"kind\":\"charge\"").contains("\"kind\":\"refund\"")
                .contains("\"currency\":\"CNY\"").contains("\"source\":\"answer\"");
        String summary = client.get("/api/v1/ledger/summary?platform=prompt-refund").body();
        assertThat(summary).contains("\"platform\":\"prompt-refund\"").contains("\"net\":0.00");
        var csv = client.get("/api/v1/ledger/export.csv?platform=prompt-refund");
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElse(""))
                .isEqualTo("id,occurred_at,platform,run_id,kind,amount,currency,platform_order_no,source,note");
        assertThat(csv.body()).contains(",prompt-refund,").contains(",charge,0.98,CNY,");
        assertThat(client.get("/api/v1/ledger?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(client.get("/api/v1/ledger?platform=nope").statusCode()).isEqualTo(400);
    }

    @Test
    void secretsNeverLeaveTheProcess(CapturedOutput output) {
        runOnce("reliable");
        runOnce("double-charge");
        ServiceClient client = new ServiceClient(port).withToken(TestTokens.READ);
        List<String> answers = List.of(
                client.get("/api/v1/platforms").body(),
                client.get("/api/v1/platforms/reliable/runs?limit=500").body(),
                client.get("/api/admin/v1/platforms/reliable/runs?limit=500").body(),
                client.get("/api/admin/v1/platforms/double-charge/runs?limit=500").body(),
                client.get("/api/v1/ledger").body(),
                client.get("/api/v1/ledger/summary").body(),
                client.get("/api/v1/ledger/export.csv").body(),
                client.get("/api/v1/budget").body(),
                client.get("/actuator/health").body(),
                client.get("/actuator/info").body(),
                metrics());
        for (String answer : answers) {
            assertThat(answer).doesNotContain(SECRET);
        }
        assertThat(output.getAll()).contains("Cardwatch is running").doesNotContain(SECRET);
    }
}
