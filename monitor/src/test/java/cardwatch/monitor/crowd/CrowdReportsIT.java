package cardwatch.monitor.crowd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.system.SharedDemoService;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** "我也遇到了问题" on the shared demo: the form, a report counted, bad ones refused, the limits, hiding. */
class CrowdReportsIT extends SharedDemoService {

    private static final String PLATFORM = "slow";
    /** The buyer's address, as a proxy on this host gives it: its limits are this test's alone. */
    private static final String BUYER = "192.0.2.44";

    @Autowired
    JdbcClient jdbc;

    private long stored() {
        return jdbc.sql("select count(*) from crowd_report where platform_id = ?").param(PLATFORM).query(Long.class)
                .single();
    }

    /** The form's fields filled, with its challenge answered (or not). */
    private String filled(String symptom, String happened, String amount, String order, boolean answerRight) {
        Document form = Jsoup.parse(client().get("/platforms/" + PLATFORM + "/report").body());
        String token = form.selectFirst("input[name=challenge]").attr("value");
        String question = form.selectFirst("label[for=answer]").text();
        java.util.regex.Matcher digits = java.util.regex.Pattern.compile("(\\d) 加 (\\d)").matcher(question);
        assertThat(digits.find()).as(question).isTrue();
        int sum = Integer.parseInt(digits.group(1)) + Integer.parseInt(digits.group(2));
        return "symptom=" + enc(symptom) + "&happened=" + enc(happened) + "&amount=" + enc(amount) + "&order="
                + enc(order) + "&challenge=" + enc(token) + "&answer=" + (answerRight ? sum : sum + 1);
    }

    private static String enc(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String minutesAgo(int minutes) {
        return LocalDateTime.now(ZoneId.of("Asia/Shanghai")).minusMinutes(minutes).truncatedTo(ChronoUnit.MINUTES)
                .toString();
    }

    @Test
    void aReportIsCountedBesideTheMeasuredRunsAndBadOnesAreNamedAndStoreNothing() {
        long before = stored();
        HttpResponse<String> bad = client().postFormFrom(BUYER, "/platforms/" + PLATFORM + "/report",
                filled("stolen_car", "yesterday", "-3", "<b>x</b>", true));
        assertThat(bad.statusCode()).isEqualTo(400);
        Document refused = Jsoup.parse(bad.body());
        assertThat(refused.select(".field-error").eachText()).containsExactly("请选择遇到的问题。",
                "时间的格式不对，应该像 2026-12-01T20:15 这样。", "金额要大于 0、不超过 10,000 元，最多两位小数。",
                "订单号只能包含字母、数字、- 和 _，长度 4 到 64 位。");
        assertThat(bad.body()).doesNotContain("<b>x</b>");
        HttpResponse<String> wrongSum = client().postFormFrom(BUYER, "/platforms/" + PLATFORM + "/report",
                filled("not_received", minutesAgo(5), "", "", false));
        assertThat(wrongSum.statusCode()).isEqualTo(400);
        assertThat(Jsoup.parse(wrongSum.body()).select(".field-error").text()).startsWith("算术题的答案不对");
        assertThat(stored()).as("nothing stored").isEqualTo(before);

        HttpResponse<String> sent = client().postFormFrom(BUYER, "/platforms/" + PLATFORM + "/report",
                filled("not_received", minutesAgo(5), "30", "ORDER-20261201-0001", true));
        assertThat(sent.statusCode()).isEqualTo(303);
        assertThat(sent.headers().firstValue("Location")).hasValueSatisfying(l ->
                assertThat(l).startsWith("/platforms/" + PLATFORM + "/report?done=stored"));
        assertThat(stored()).isEqualTo(before + 1);
        assertThat(jdbc.sql("select order_hash from crowd_report where platform_id = ? order by id desc limit 1")
                .param(PLATFORM).query(String.class).single()).as("the order number is kept only as a keyed hash")
                .hasSize(64).doesNotContain("ORDER");
        HttpResponse<String> again = client().postFormFrom(BUYER, "/platforms/" + PLATFORM + "/report",
                filled("stuck_processing", minutesAgo(3), "", "ORDER-20261201-0001", true));
        assertThat(again.headers().firstValue("Location").orElse("")).as("the same order again")
                .contains("done=duplicate");
        assertThat(stored()).isEqualTo(before + 1);
        assertThat(Jsoup.parse(client().get("/platforms/" + PLATFORM + "/report?done=stored").body())
                .select(".thanks").text()).startsWith("已记录");

        // counted per hour on the now page, beside the measured runs and apart from them (it is cached 15 s)
        await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Document now = Jsoup.parse(client().get("/platforms/" + PLATFORM + "/now").body());
            assertThat(now.selectFirst(".report-total").text()).matches("过去 24 小时共 [1-9]\\d* 份报告。");
            assertThat(now.select(".report-bars li")).hasSize(24);
            assertThat(now.select(".report-bars li:not(.state-none)")).isNotEmpty();
        });
        long shown = Long.parseLong(Jsoup.parse(client().get("/platforms/" + PLATFORM).body())
                .selectFirst(".user-reports dd a").text());
        assertThat(shown).as("on the platform page, linked to the now page").isPositive();
        assertThat(JsonMapper.builder().build().readTree(client().get("/api/v1/platforms/" + PLATFORM).body())
                .path("userReports24h").asLong()).as("in the public JSON").isEqualTo(shown);
        assertThat(metrics()).containsPattern("cardwatch_crowd_reports_total\\{result=\"stored\"} [1-9]")
                .containsPattern("cardwatch_crowd_reports_total\\{result=\"invalid\"} [1-9]")
                .containsPattern("cardwatch_crowd_reports_total\\{result=\"challenge_failed\"} [1-9]")
                .containsPattern("cardwatch_crowd_reports_total\\{result=\"duplicate\"} [1-9]");

        // an operator hides it: the count drops, the audit says who
        JsonNode listed = JsonMapper.builder().build().readTree(reader().get("/api/admin/v1/reports?platform="
                + PLATFORM).body());
        long id = listed.get(0).path("id").asLong();
        assertThat(listed.get(0).path("orderGiven").asBoolean()).isTrue();
        assertThat(listed.toString()).doesNotContain("ORDER-2026", "127.0.0.1", "hash");
        assertThat(reader().send("POST", "/api/admin/v1/reports/" + id + "/hide", null).statusCode()).isEqualTo(403);
        assertThat(admin().send("POST", "/api/admin/v1/reports/" + id + "/hide", null).statusCode()).isEqualTo(204);
        assertThat(admin().send("POST", "/api/admin/v1/reports/" + id + "/hide", null).statusCode()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from crowd_report where platform_id = ? and not hidden").param(PLATFORM)
                .query(Long.class).single()).isEqualTo(before);
        assertThat(JsonMapper.builder().build().readTree(client().get("/api/v1/platforms/" + PLATFORM).body())
                .path("userReports24h").asLong()).as("a hidden report counts no more").isEqualTo(shown - 1);
        assertThat(reader().get("/api/admin/v1/audit?platform=" + PLATFORM).body()).contains("hide_report");
    }

    @Test
    void anAddressAndItsNetworkPastTheirLimitsAreRefusedAndAHugePostIsNotRead() {
        // as from 203.0.113.5 and its /24 neighbours, through a proxy on this host (X-Forwarded-For)
        List<Integer> own = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            own.add(client().postFormFrom("203.0.113.5", "/platforms/" + PLATFORM + "/report",
                    filled(SYMPTOMS.get(i), minutesAgo(1), "", "", true)).statusCode());
        }
        assertThat(own).as("3 an address, then refused").containsExactly(303, 303, 303, 429);
        List<Integer> neighbours = new java.util.ArrayList<>();
        for (int host = 10; host < 20; host++) {
            neighbours.add(client().postFormFrom("203.0.113." + host, "/platforms/" + PLATFORM + "/report",
                    filled("site_down", minutesAgo(1), "", "", true)).statusCode());
        }
        assertThat(neighbours).as("10 a /24 in all: 7 more, then refused").startsWith(303, 303, 303, 303, 303, 303,
                303).endsWith(429, 429, 429);
        HttpResponse<String> limited = client().postFormFrom("203.0.113.77", "/platforms/" + PLATFORM + "/report",
                filled("site_down", minutesAgo(1), "", "", true));
        assertThat(Jsoup.parse(limited.body()).select(".notice").text()).startsWith("同一个网络在短时间内提交了太多报告");
        assertThat(client().postFormFrom("198.51.100.5", "/platforms/" + PLATFORM + "/report",
                filled("site_down", minutesAgo(1), "", "", true)).statusCode()).as("another network").isEqualTo(303);

        HttpResponse<String> huge = client().postForm("/platforms/" + PLATFORM + "/report",
                "symptom=other&happened=" + "x".repeat(5000));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(client().get("/platforms/no-such-shop/report").statusCode()).isEqualTo(404);
    }

    private static final List<String> SYMPTOMS = List.of("not_received", "stuck_processing", "invalid_code",
            "site_down");
}
