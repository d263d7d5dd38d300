package cardwatch.monitor.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.run.ProbeRun;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.SharedDemoService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin API on the shared demo service: pause, resume, run now, and the audit of each. */
class AdminApiIT extends SharedDemoService {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The demo platform whose address leads nowhere: pausing it changes nothing another test looks at. */
    private static final String PAUSED = "typo-shop";

    @Autowired
    RunRepository runs;

    private long newestRun(String platform, String probe) {
        return runs.recent(platform, probe, 1).stream().mapToLong(ProbeRun::id).max().orElse(0);
    }

    @Test
    void aPauseStopsThePlatformsScheduledRunsUntilResumedAndEachChangeIsAudited() {
        await().atMost(Duration.ofSeconds(30)).until(() -> newestRun(PAUSED, "availability") > 0);
        try {
            assertThat(reader().send("POST", "/api/admin/v1/platforms/" + PAUSED + "/pause", null).statusCode())
                    .as("pausing is a change: the read token may not").isEqualTo(403);
            HttpResponse<String> paused = admin().send("POST", "/api/admin/v1/platforms/" + PAUSED + "/pause", null);
            assertThat(paused.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(paused.body()).path("changed").asBoolean()).isTrue();
            assertThat(JSON.readTree(admin().send("POST", "/api/admin/v1/platforms/" + PAUSED + "/pause", null)
                    .body()).path("changed").asBoolean()).as("paused already").isFalse();
            assertThat(metrics()).contains("cardwatch_platform_paused{platform=\"" + PAUSED + "\"} 1");
            JsonNode listed = JSON.readTree(reader().get("/api/admin/v1/platforms").body());
            assertThat(listed.path("source").asString()).isEqualTo("demo configuration");
            assertThat(listed.path("platforms").size()).isEqualTo(15);
            assertThat(listed.path("platforms").valueStream().filter(p -> p.path("paused").asBoolean())
                    .map(p -> p.path("id").asString())).containsExactly(PAUSED);
            JsonNode reliable = listed.path("platforms").valueStream()
                    .filter(p -> p.path("id").asString().equals("reliable")).findFirst().orElseThrow();
            assertThat(reliable.path("protocol").asString()).isEqualTo("yrapi");
            assertThat(reliable.path("schedules").path("purchase").path("every").asString()).isEqualTo("PT2S");
            assertThat(listed.toString()).as("no credentials, not even references")
                    .doesNotContain("file:", "env:", "api-key", "demo-simulator-api-key");

            // runs already handed over may still end; after that, none starts while the demo fires every 2 s
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
            long last = newestRun(PAUSED, "availability");
            long others = newestRun("reliable", "availability");
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> true);
            assertThat(newestRun(PAUSED, "availability")).as("no run while paused").isEqualTo(last);
            assertThat(newestRun("reliable", "availability")).as("the others run on").isGreaterThan(others);

            // run now works on a paused platform (an operator asked for it), and the read role may ask for a check
            HttpResponse<String> now = reader().send("POST", "/api/admin/v1/platforms/" + PAUSED + "/runs",
                    "{\"probe\":\"availability\"}");
            assertThat(now.statusCode()).as(now.body()).isEqualTo(202);
            Instant fire = Instant.parse(JSON.readTree(now.body()).path("scheduledFire").asString());
            await().atMost(Duration.ofSeconds(20)).until(() -> runs.recent(PAUSED, "availability", 5).stream()
                    .anyMatch(r -> r.scheduledFire().equals(fire) && r.endedAt() != null));
        } finally {
            HttpResponse<String> resumed = admin().send("POST", "/api/admin/v1/platforms/" + PAUSED + "/resume", null);
            assertThat(resumed.statusCode()).isEqualTo(200);
        }
        long paused = newestRun(PAUSED, "availability");
        await().atMost(Duration.ofSeconds(20)).until(() -> newestRun(PAUSED, "availability") > paused);
        assertThat(metrics()).doesNotContain("cardwatch_platform_paused{platform=\"" + PAUSED + "\"}");

        JsonNode audit = JSON.readTree(reader().get("/api/admin/v1/audit?platform=" + PAUSED + "&limit=10").body());
        assertThat(audit.size()).isEqualTo(3);
        JsonNode resume = audit.get(0);
        JsonNode runNow = audit.get(1);
        JsonNode pause = audit.get(2);
        assertThat(pause.path("actor").asString()).isEqualTo("it-admin");
        assertThat(pause.path("action").asString()).isEqualTo("pause");
        assertThat(pause.path("before").asString()).isEqualTo("{\"paused\":false}");
        assertThat(pause.path("after").asString()).isEqualTo("{\"paused\":true}");
        assertThat(runNow.path("actor").asString()).isEqualTo("it-reader");
        assertThat(runNow.path("action").asString()).isEqualTo("run_now");
        assertThat(runNow.path("after").asString()).contains("\"probe\":\"availability\"");
        assertThat(resume.path("action").asString()).isEqualTo("resume");
        assertThat(resume.path("at").asString()).isNotEmpty();
    }

    @Test
    void aPurchaseNowNeedsTheAdminRoleAndGoesThroughTheBudgetAndTheLedger() {
        HttpResponse<String> refused = reader().send("POST", "/api/admin/v1/platforms/reliable/runs",
                "{\"probe\":\"purchase\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("needs the admin role").contains("token 'it-reader'");

        // the demo buys every 2 s: while its purchase is going, the answer is 409 and nothing is started
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> answer =
                new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            answer.set(admin().send("POST", "/api/admin/v1/platforms/reliable/runs", "{\"probe\":\"purchase\"}"));
            if (answer.get().statusCode() == 409) {
                assertThat(answer.get().body()).contains("its previous purchase run is still going");
            }
            return answer.get().statusCode() != 409;
        });
        HttpResponse<String> bought = answer.get();
        assertThat(bought.statusCode()).as(bought.body()).isEqualTo(202);
        Instant fire = Instant.parse(JSON.readTree(bought.body()).path("scheduledFire").asString());
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.recent("reliable", "purchase", 20).stream()
                .anyMatch(r -> r.scheduledFire().equals(fire) && r.endedAt() != null));
        ProbeRun run = runs.recent("reliable", "purchase", 20).stream().filter(r -> r.scheduledFire().equals(fire))
                .findFirst().orElseThrow();
        assertThat(run.outcome()).isEqualTo("success");
        JsonNode ledger = JSON.readTree(reader().get("/api/v1/ledger?platform=reliable").body());
        assertThat(ledger.valueStream().anyMatch(e -> e.path("runId").asLong() == run.id()
                && e.path("kind").asString().equals("charge"))).as("its charge is in the ledger").isTrue();
    }

    @Test
    void badRequestsAreNamed() {
        HttpResponse<String> unknown = admin().send("POST", "/api/admin/v1/platforms/no-such-shop/pause", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no platform with id 'no-such-shop'");
        HttpResponse<String> noProbe = admin().send("POST", "/api/admin/v1/platforms/reliable/runs", "{}");
        assertThat(noProbe.statusCode()).isEqualTo(400);
        assertThat(noProbe.body()).contains("the body must name the probe to run");
        HttpResponse<String> wrong = admin().send("POST", "/api/admin/v1/platforms/reliable/runs",
                "{\"probe\":\"<script>\"}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("has no '?script?' probe configured; it has").doesNotContain("<script>");
        assertThat(reader().get("/api/admin/v1/audit?limit=0").statusCode()).isEqualTo(400);
    }
}
