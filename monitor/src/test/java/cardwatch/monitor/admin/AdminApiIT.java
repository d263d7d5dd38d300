package cardwatch.monitor.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformConfigException;
import cardwatch.monitor.platform.PlatformConfigLoader;
import cardwatch.monitor.run.ProbeRun;
import cardwatch.probes.availability.AvailabilitySpec;
import cardwatch.monitor.run.RunRepository;
import cardwatch.monitor.system.SharedDemoService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    @Autowired
    PlatformCatalog catalog;
    @Autowired
    PlatformConfigLoader loader;
    @Autowired
    cardwatch.monitor.hooks.HookOutbox outbox;
    @Autowired
    javax.sql.DataSource dataSource;

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

    /** The shared service runs on an in-memory database: a backup is refused with the reason, and writes nothing. */
    @Test
    void aBackupOfAnInMemoryDatabaseIsRefusedSayingWhy() {
        HttpResponse<String> refused = admin().send("POST", "/api/admin/v1/backup", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("in memory").contains("nothing on disk");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("data", "backups"))).isFalse();
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

    /**
     * An entry in the file's shape for a storefront-checked platform at the demo's reliable simulator: checked every
     * {@code every}, its purchase once a year on 1 January (never during a test), with reliable's credentials.
     */
    private String entry(String id, String every) {
        Platform reliable = catalog.find("reliable").orElseThrow();
        AvailabilitySpec availability = (AvailabilitySpec) reliable.options().get(AvailabilitySpec.OPTION);
        return """
                {"id": "%s", "names": {"zh": "接口添加的店", "en": "Shop added by API"},
                 "base-url": "%s", "protocol": "yrapi", "merchant-id": "%s",
                 "credentials": {"api-key": "%s"},
                 "product": {"id": "%s", "face-value": %s, "price-cap": %s}, "account": "%s",
                 "availability": {"keyword": "%s"},
                 "schedule": {"purchase": {"cron": "0 0 4 1 1 ?"}, "availability": {"every": "%s"}}}
                """.formatted(id, reliable.baseUrl(), reliable.merchantId(),
                reliable.credentialRefs().get("api-key"), reliable.purchase().productId(),
                reliable.purchase().faceValue(), reliable.purchase().priceCap(), reliable.purchase().account(),
                availability.keyword(), every);
    }

    @Test
    void aPlatformAddedThroughTheApiRunsIsChangedAndGoesAndEveryStepIsAudited() {
        String id = "api-added-shop";
        assertThat(reader().send("POST", "/api/admin/v1/platforms", entry(id, "10s")).statusCode())
                .as("adding is a change: the read token may not").isEqualTo(403);
        HttpResponse<String> created = admin().send("POST", "/api/admin/v1/platforms", entry(id, "10s"));
        try {
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Location")).contains("/api/admin/v1/platforms/" + id);
            assertThat(JSON.readTree(created.body()).path("origin").asString()).isEqualTo("api");
            assertThat(created.body()).doesNotContain("file:", "env:");
            assertThat(admin().send("POST", "/api/admin/v1/platforms", entry(id, "10s")).statusCode())
                    .as("the same id again").isEqualTo(409);

            // it runs, and has its series, without a restart
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.recent(id, "availability", 5).stream()
                    .anyMatch(r -> r.endedAt() != null && r.outcome().equals("success")));
            assertThat(metrics()).contains("cardwatch_probe_last_run_timestamp_seconds{platform=\"" + id
                    + "\",probe=\"availability\"}");
            JsonNode listed = JSON.readTree(reader().get("/api/admin/v1/platforms").body());
            assertThat(listed.path("platforms").valueStream().filter(p -> p.path("id").asString().equals(id))
                    .map(p -> p.path("origin").asString())).containsExactly("api");
            assertThat(client().get("/api/v1/platforms/" + id).statusCode()).as("on the public API too")
                    .isEqualTo(200);

            // changed: the new schedule is used at once
            HttpResponse<String> updated = admin().send("PUT", "/api/admin/v1/platforms/" + id, entry(id, "11s"));
            assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
            assertThat(JSON.readTree(updated.body()).path("schedules").path("availability").path("every").asString())
                    .isEqualTo("PT11S");
            assertThat(catalog.find(id).orElseThrow().schedules().get("availability").every())
                    .isEqualTo(Duration.ofSeconds(11));
            HttpResponse<String> renamed = admin().send("PUT", "/api/admin/v1/platforms/" + id,
                    entry("another-id", "11s"));
            assertThat(renamed.statusCode()).isEqualTo(422);
            assertThat(renamed.body()).contains("is not the id of the platform being changed");
        } finally {
            HttpResponse<String> deleted = admin().send("DELETE", "/api/admin/v1/platforms/" + id, null);
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        }
        assertThat(catalog.find(id)).isEmpty();
        assertThat(metrics()).as("its series went with it").doesNotContain("platform=\"" + id + "\"");
        long last = runs.recent(id, "availability", 1).get(0).id();
        await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(15)).until(() -> true);
        assertThat(runs.recent(id, "availability", 1).get(0).id()).as("no run in an interval (11 s) and more after its "
                + "deletion").isEqualTo(last);
        assertThat(admin().send("DELETE", "/api/admin/v1/platforms/" + id, null).statusCode()).isEqualTo(404);

        JsonNode audit = JSON.readTree(reader().get("/api/admin/v1/audit?platform=" + id + "&limit=10").body());
        assertThat(audit.valueStream().map(e -> e.path("action").asString())).containsExactly("delete", "update",
                "create");
        JsonNode create = audit.get(2);
        JsonNode update = audit.get(1);
        JsonNode delete = audit.get(0);
        assertThat(create.path("actor").asString()).isEqualTo("it-admin");
        assertThat(create.path("before").isNull()).isTrue();
        assertThat(JSON.readTree(create.path("after").asString()).path("schedule").path("availability")
                .path("every").asString()).isEqualTo("10s");
        assertThat(update.path("before").asString()).isEqualTo(create.path("after").asString());
        assertThat(JSON.readTree(update.path("after").asString()).path("schedule").path("availability")
                .path("every").asString()).isEqualTo("11s");
        assertThat(delete.path("before").asString()).isEqualTo(update.path("after").asString());
        assertThat(delete.path("after").isNull()).isTrue();
    }

    @Test
    void anEntryWithProblemsGetsTheFilesMessagesAndChangesNothing(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        String bad = entry("bad-entry", "5s").replace("\"protocol\": \"yrapi\"", "\"protocol\": \"paypal\"")
                .replace("\"account\":", "\"colour\": \"red\", \"account\":");
        java.nio.file.Path file = dir.resolve("platforms.yml");
        java.nio.file.Files.writeString(file, "platforms:\n  - " + bad.strip().replace("\n", "\n    ") + "\n");
        List<String> fromFile = new java.util.ArrayList<>();
        try {
            loader.read(file);
        } catch (PlatformConfigException e) {
            e.problems().forEach(p -> fromFile.add(p.substring((file + ": ").length())));
        }
        assertThat(fromFile).contains("platform 'bad-entry', field 'colour': unknown field",
                "platform 'bad-entry', field 'protocol': unknown protocol 'paypal' (known: acg-faka, dujiaoka, "
                        + "generic, sup, yrapi)");

        HttpResponse<String> refused = admin().send("POST", "/api/admin/v1/platforms", bad);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).path("problems").valueStream().map(JsonNode::asString))
                .as("the file's messages, without the file's name").containsExactlyElementsOf(fromFile);
        assertThat(catalog.find("bad-entry")).isEmpty();
        assertThat(JSON.readTree(reader().get("/api/admin/v1/audit?platform=bad-entry").body()).size()).isZero();

        HttpResponse<String> fileOwned = admin().send("PUT", "/api/admin/v1/platforms/reliable", entry("reliable",
                "30s"));
        assertThat(fileOwned.statusCode()).isEqualTo(409);
        assertThat(fileOwned.body()).contains("platform 'reliable' comes from demo configuration: the file wins");
        assertThat(admin().send("DELETE", "/api/admin/v1/platforms/reliable", null).statusCode()).isEqualTo(409);
        HttpResponse<String> reread = admin().send("POST", "/api/admin/v1/platforms/reread", null);
        assertThat(reread.statusCode()).isEqualTo(409);
        assertThat(reread.body()).contains("no platforms file is configured");
        HttpResponse<String> huge = admin().send("POST", "/api/admin/v1/platforms", "{\"id\": \""
                + "x".repeat(70_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
    }

    @Test
    void deadLettersAreListedWithTheReadTokenAndRetriedOrDroppedWithTheAdminOne() throws Exception {
        Instant now = Instant.now();
        cardwatch.monitor.hooks.Notice notice = new cardwatch.monitor.hooks.Notice("dead-it-key", 99, "opened",
                "typo-shop", "打错的店", "purchase", "http_error", now, now, "", "zh", "t", "critical");
        outbox.enqueue("webhook", notice, now, now.plus(Duration.ofDays(3650)));
        long id = outbox.dead(500).stream().filter(d -> d.key().equals("dead-it-key")).findFirst()
                .map(cardwatch.monitor.hooks.HookOutbox.Dead::id).orElseGet(() -> {
                    long queued = jdbcId("dead-it-key");
                    outbox.refused(queued, "HookRefused: webhook refused the message: HTTP 403", now,
                            now.plus(Duration.ofDays(3650)), Duration.ZERO);
                    return queued;
                });

        HttpResponse<String> listed = reader().get("/api/admin/v1/hooks/dead-letters");
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode dead = JSON.readTree(listed.body()).valueStream()
                .filter(d -> d.path("id").asLong() == id).findFirst().orElseThrow();
        assertThat(dead.path("channel").asString()).isEqualTo("webhook");
        assertThat(dead.path("lastError").asString()).contains("HTTP 403");
        assertThat(listed.body()).doesNotContain("http://", "https://");
        assertThat(reader().get("/api/admin/v1/hooks/dead-letters?limit=0").statusCode()).isEqualTo(400);

        assertThat(reader().send("POST", "/api/admin/v1/hooks/dead-letters/" + id + "/retry", null).statusCode())
                .as("a retry is a change: the read token may not").isEqualTo(403);
        assertThat(admin().send("POST", "/api/admin/v1/hooks/dead-letters/" + id + "/retry", null).statusCode())
                .isEqualTo(202);
        assertThat(outbox.dead(500)).noneMatch(d -> d.id() == id);
        assertThat(admin().send("POST", "/api/admin/v1/hooks/dead-letters/" + id + "/retry", null).statusCode())
                .as("no longer dead").isEqualTo(404);

        outbox.refused(id, "HookRefused: webhook refused the message: HTTP 410", now, now.plus(Duration.ofDays(3650)),
                Duration.ZERO);
        assertThat(reader().send("DELETE", "/api/admin/v1/hooks/dead-letters/" + id, null).statusCode())
                .isEqualTo(403);
        assertThat(admin().send("DELETE", "/api/admin/v1/hooks/dead-letters/" + id, null).statusCode())
                .isEqualTo(204);
        assertThat(admin().send("DELETE", "/api/admin/v1/hooks/dead-letters/" + id, null).statusCode())
                .isEqualTo(404);
        String audit = reader().get("/api/admin/v1/audit").body();
        assertThat(audit).contains("retry_dead_letter", "drop_dead_letter");
    }

    private long jdbcId(String key) {
        return org.springframework.jdbc.core.simple.JdbcClient.create(dataSource)
                .sql("select id from hook_outbox where message_key = ?").param(key).query(Long.class).single();
    }
}
