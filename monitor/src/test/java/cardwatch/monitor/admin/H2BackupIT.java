package cardwatch.monitor.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cardwatch.monitor.purchase.ServiceProcess;
import cardwatch.monitor.system.PageSnapshot;
import cardwatch.monitor.system.ServiceClient;
import cardwatch.monitor.system.TestTokens;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded database's backup as the README gives it: the admin API's {@code POST /api/admin/v1/backup} while the
 * service runs and buys, then the zip unpacked into the data directory of a new installation. The new service serves
 * the same pages, runs and ledger as the live one did when the backup was taken.
 */
class H2BackupIT {

    private static final String KEY = "backup-test-key-19";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Public pages and API answers, and the private ledger: what a restore must bring back. */
    private static final List<String> PAGES = List.of(
            "/api/v1/platforms/shop",
            "/api/v1/platforms/shop/runs?limit=500",
            "/api/v1/platforms/shop/score",
            "/api/v1/ledger?platform=shop",
            "/api/v1/ledger/summary",
            "/platforms/shop");

    @Test
    void aBackupTakenWhileBuyingRestoresIntoANewInstanceThatServesTheSamePagesAndLedger(@TempDir Path live,
            @TempDir Path fresh) throws Exception {
        try (SimulatedPlatform sim = SimulatedPlatform.start("shop", Profiles.named("reliable")
                .withDelivery(Duration.ofMillis(300), 0), KEY, 0, 19)) {
            Map<String, String> before;
            Path backup;
            Path logs = Path.of("target", "h2-backup");
            try (ServiceProcess service = new ServiceProcess(live, logs.resolve("live.log"), arguments(live, sim))) {
                ServiceClient reader = new ServiceClient(service.port()).withToken(TestTokens.READ);
                ServiceClient admin = new ServiceClient(service.port()).withToken(TestTokens.ADMIN);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> done(reader) >= 3);

                // a first backup while purchases go on: H2 takes it without stopping them
                HttpResponse<String> during = admin.send("POST", "/api/admin/v1/backup", null);
                assertThat(during.statusCode()).as(during.body()).isEqualTo(201);

                // then the platform is paused, so that the pages stand still, and a second backup is compared
                assertThat(admin.send("POST", "/api/admin/v1/platforms/shop/pause", null).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                        runs(reader).stream().allMatch(r -> r.path("status").asString().equals("done")));
                before = PageSnapshot.settled(reader, PAGES);
                HttpResponse<String> answer = admin.send("POST", "/api/admin/v1/backup", null);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                JsonNode written = JSON.readTree(answer.body());
                backup = Path.of(written.path("file").asString());
                assertThat(backup).startsWith(live.resolve("data").resolve("backups").toRealPath())
                        .isRegularFile().hasExtension("zip");
                assertThat(written.path("bytes").asLong()).isEqualTo(Files.size(backup));
                assertThat(JSON.readTree(admin.get("/api/admin/v1/audit?limit=1").body()).get(0).path("action")
                        .asString()).isEqualTo("backup");
                // the read token may look, not back up
                assertThat(reader.send("POST", "/api/admin/v1/backup", null).statusCode()).isEqualTo(403);
            }
            List<String> names = unzip(backup, fresh.resolve("data"));
            assertThat(names).as("the zip holds the database file itself").contains("cardwatch.mv.db");

            try (ServiceProcess restored = new ServiceProcess(fresh, Path.of("target", "h2-backup", "restored.log"),
                    arguments(fresh, sim))) {
                ServiceClient reader = new ServiceClient(restored.port()).withToken(TestTokens.READ);
                // the public pages' figures are first rolled up a second after the start
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> reader.get("/platforms/shop").statusCode() == 200);
                Map<String, String> after = PageSnapshot.settled(reader, PAGES);
                PageSnapshot.assertSame(before, after);
                assertThat(JSON.readTree(reader.get("/api/admin/v1/platforms").body()).path("platforms").get(0)
                        .path("paused").asBoolean()).as("the pause came back with the database").isTrue();
                assertThat(JSON.readTree(before.get("/api/v1/ledger?platform=shop"))).hasSizeGreaterThanOrEqualTo(3);
            }
        }
    }

    private static long done(ServiceClient reader) {
        return runs(reader).stream().filter(r -> r.path("status").asString().equals("done")).count();
    }

    private static List<JsonNode> runs(ServiceClient reader) {
        List<JsonNode> runs = new ArrayList<>();
        JSON.readTree(reader.get("/api/admin/v1/platforms/shop/runs?limit=500").body()).forEach(runs::add);
        return runs;
    }

    /** What {@code unzip backup.zip -d data} does; the entries' names. */
    private static List<String> unzip(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        List<String> names = new ArrayList<>();
        try (InputStream file = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(file)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as(entry.getName()).isTrue();
                Files.createDirectories(target.getParent());
                Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                names.add(entry.getName());
            }
        }
        return names;
    }

    private static List<String> arguments(Path work, SimulatedPlatform sim) throws IOException {
        Files.writeString(work.resolve("secrets.properties"), "shop-key=" + KEY + "\n");
        Files.writeString(work.resolve("platforms.yml"), """
                platforms:
                  - id: shop
                    names: { zh: 测试店, en: Test Shop }
                    base-url: %s
                    protocol: yrapi
                    merchant-id: "10001"
                    credentials: { api-key: "file:shop-key" }
                    product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                    account: "18866667777"
                    schedule: { purchase: { every: 2s } }
                    deadlines: { notify: 2s, confirm: 6s, poll-initial: 200ms, poll-max: 500ms }
                """.formatted(sim.baseUrl()));
        List<String> arguments = new ArrayList<>(List.of(
                "--cardwatch.platforms-file=" + work.resolve("platforms.yml"),
                "--cardwatch.secrets-file=" + work.resolve("secrets.properties"),
                "--server.port=0",
                "--cardwatch.schedule.min-interval=1s",
                "--cardwatch.site.refresh=1s",
                "--cardwatch.score.settle=1s"));
        TestTokens.settings().forEach(setting -> arguments.add("--" + setting));
        return arguments;
    }
}
