package cardwatch.monitor.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.probes.Probes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One small invalid file per rule, each with the exact message a user sees at start-up. */
class PlatformConfigValidationTest {

    private static final String DIR = "src/test/resources/config/";
    private static final Map<String, String> ENVIRONMENT = Map.of("GOOD_SHOP_KEY", "env-secret-value-1");

    private static PlatformConfigLoader loader() {
        SecretResolver secrets = new SecretResolver(ENVIRONMENT::get, null);
        return new PlatformConfigLoader(Set.of("purchase", "availability"), Probes.protocols(),
                new PlatformConfigLoader.Limits(new BigDecimal("10.00"), Duration.ofMinutes(5),
                        ZoneId.of("Asia/Shanghai"), new BigDecimal("10.00")), secrets);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown-key.yml          | platform 'good-shop', field 'product.colour': unknown field
            duplicate-id.yml         | platform 'good-shop', field 'id': duplicate id, already used by platform #1
            unset-credential.yml     | platform 'good-shop', field 'credentials.api-key': environment variable CARDWATCH_TEST_UNSET_VARIABLE is not set
            price-above-cap.yml      | platform 'good-shop', field 'product.price-cap': 50.00 yuan is above the per-purchase cap of 10.00 yuan (cardwatch.purchase.max-price)
            interval-below-floor.yml | platform 'good-shop', field 'schedule.purchase.every': 30s is below the floor of 5m (cardwatch.schedule.min-interval)
            cron-below-floor.yml     | platform 'good-shop', field 'schedule.purchase.cron': fires every 10s, which is below the floor of 5m (cardwatch.schedule.min-interval)
            malformed-url.yml        | platform 'good-shop', field 'base-url': 'htp:/good.example' is not an absolute http(s) URL
            literal-secret.yml       | platform 'good-shop', field 'credentials.api-key': must be a reference 'env:NAME' or 'file:KEY', never the secret itself
            unknown-protocol.yml     | platform 'good-shop', field 'protocol': unknown protocol 'paypal' (known: acg-faka, dujiaoka, generic, sup, yrapi)
            unknown-probe.yml        | platform 'good-shop', field 'schedule.icp': unknown probe 'icp' (known: availability, purchase)
            bad-id.yml               | platform 'Good_Shop', field 'id': 'Good_Shop' is not a slug: lower-case letters, digits and '-', at most 63 characters
            missing-field.yml        | platform 'good-shop', field 'account': is required
            bad-duration.yml         | platform 'good-shop', field 'deadlines.confirm': 'soon' is not a duration (examples: 30s, 15m, 1h)
            missing-secret-file.yml  | platform 'good-shop', field 'credentials.api-key': secret 'good-shop-key' cannot be found: no secrets file is configured (cardwatch.secrets-file)
            not-a-number.yml         | platform 'good-shop', field 'product.price-cap': 'cheap' is not a number
            notify-after-confirm.yml | platform 'good-shop', field 'deadlines.notify': PT20M is longer than deadlines.confirm (PT10M)
            budget-below-cap.yml     | platform 'good-shop', field 'budget.daily': 0.50 yuan is below the price cap of 1.20 yuan: no purchase could ever run
            store-without-payer.yml  | platform 'store', field 'payer.kind': is required by protocol acg-faka (one of: balance, checkout)
            unknown-payer.yml        | platform 'store', field 'payer.kind': unknown payer 'epay' for protocol dujiaoka (known: checkout)
            payer-on-direct.yml      | platform 'good-shop', field 'payer': protocol yrapi pays by itself; remove payer
            balance-missing-login.yml | platform 'store', field 'credentials.store-password': is required by protocol acg-faka paid by balance
            checkout-without-gateway.yml | platform 'store', field 'payer.gateway': is required
            version-not-acg.yml      | platform 'store', field 'version': is only for protocol acg-faka (the release it runs, 3.0.0 to 3.6.0)
            bad-version.yml          | platform 'store', field 'version': '2.9' is not an acg-faka version from 3.0.0 on (e.g. 3.0.9, 3.6.0)
            generic-bad-step.yml     | platform 'store', field 'generic.create.order-no': is required
            availability-no-block.yml | platform 'good-shop', field 'schedule.availability': needs an availability block (its URLs and keyword)
            availability-bad-url.yml | platform 'good-shop', field 'availability.urls[1]': 'api.good.example/ping' is not an absolute http(s) URL
            availability-too-often.yml | platform 'good-shop', field 'schedule.availability.every': 5s is below the floor of 10s for probes that spend nothing
            maintenance-no-duration.yml | platform 'good-shop', field 'maintenance[0].duration': is required
            """)
    void eachRuleNamesTheFileThePlatformAndTheField(String file, String message) {
        Path path = Path.of(DIR + file);

        assertThatThrownBy(() -> loader().load(path))
                .isInstanceOf(PlatformConfigException.class)
                .satisfies(e -> assertThat(((PlatformConfigException) e).problems())
                        .containsExactly(path + ": " + message));
        // the admin API gets each entry alone, as JSON, and answers with the file's message
        tools.jackson.databind.JsonNode entries = YAML.readTree(path.toFile()).path("platforms");
        if (entries.size() == 1) {
            assertThatThrownBy(() -> loader().readOne("admin API", entries.get(0).toString()))
                    .isInstanceOf(PlatformConfigException.class)
                    .satisfies(e -> assertThat(((PlatformConfigException) e).problems())
                            .containsExactly("admin API: " + message));
        }
    }

    private static final tools.jackson.dataformat.yaml.YAMLMapper YAML = new tools.jackson.dataformat.yaml.YAMLMapper();

    @Test
    void anEntryForTheApiIsOneListItemOfTheFile() {
        assertThatThrownBy(() -> loader().readOne("admin API", "[1, 2]"))
                .hasMessage("admin API: expected one platform's fields ({\"id\": ..., \"names\": ..., ...}), as one "
                        + "entry of the file's 'platforms:' list");
        assertThatThrownBy(() -> loader().readOne("admin API", "{\"id\": "))
                .hasMessageStartingWith("admin API: not valid YAML or JSON: ");
        String valid = YAML.readTree(Path.of(DIR + "availability-valid.yml").toFile()).path("platforms").get(0)
                .toString();
        PlatformConfigLoader.Loaded loaded = loader().readOne("admin API", valid);
        assertThat(loaded.platform()).isEqualTo(loader().load(Path.of(DIR + "availability-valid.yml")).get(0));
        assertThat(loaded.entry()).as("the same entry, the same text").isEqualTo(loader().readOne("admin API",
                valid).entry());
    }

    @Test
    void aPlatformIsCriticalOnlyWhenItsEntrySaysSoAndAWrongValueIsNamed() {
        String valid = YAML.readTree(Path.of(DIR + "availability-valid.yml").toFile()).path("platforms").get(0)
                .toString();
        assertThat(loader().readOne("admin API", valid).platform().critical()).isFalse();
        String critical = valid.substring(0, valid.length() - 1) + ",\"critical\":true}";
        assertThat(loader().readOne("admin API", critical).platform().critical()).isTrue();
        String wrong = valid.substring(0, valid.length() - 1) + ",\"critical\":\"very\"}";
        assertThatThrownBy(() -> loader().readOne("admin API", wrong)).hasMessageContaining("field 'critical'");
    }

    @Test
    void aFileWithoutAPlatformsListSaysSo() {
        Path path = Path.of(DIR + "no-platforms-list.yml");
        assertThatThrownBy(() -> loader().load(path)).hasMessage(path + ": expected a top-level 'platforms:' list");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Path path = Path.of(DIR + "two-problems.yml");
        assertThatThrownBy(() -> loader().load(path))
                .satisfies(e -> assertThat(((PlatformConfigException) e).problems()).containsExactly(
                        path + ": platform 'good-shop', field 'protocol': unknown protocol 'paypal' (known: acg-faka, dujiaoka, generic, sup, yrapi)",
                        path + ": platform 'good-shop', field 'product.price-cap': 50.00 yuan is above the "
                                + "per-purchase cap of 10.00 yuan (cardwatch.purchase.max-price)"));
    }

    @Test
    void anUnknownKeyIsReportedWithEveryOtherProblemOfTheFile() {
        Path path = Path.of(DIR + "every-problem-at-once.yml");
        assertThatThrownBy(() -> loader().load(path))
                .satisfies(e -> assertThat(((PlatformConfigException) e).problems()).containsExactly(
                        path + ": platform 'good-shop', field 'product.colour': unknown field",
                        path + ": platform 'good-shop', field 'schedule.purchase.splay': unknown field",
                        path + ": platform 'good-shop', field 'protocol': unknown protocol 'paypal' (known: acg-faka, dujiaoka, generic, sup, yrapi)",
                        path + ": platform 'good-shop', field 'product.price-cap': 50.00 yuan is above the "
                                + "per-purchase cap of 10.00 yuan (cardwatch.purchase.max-price)",
                        path + ": platform 'other-shop', field 'product.price-cap': 'cheap' is not a number",
                        path + ": platform 'other-shop', field 'maintenance[0].reason': unknown field",
                        path + ": platform 'other-shop', field 'deadlines.confirm': 'soon' is not a duration "
                                + "(examples: 30s, 15m, 1h)"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path path = Path.of(DIR + "no-such-file.yml");
        assertThatThrownBy(() -> loader().load(path)).hasMessage(path + ": file not found");
    }

    @Test
    void aLiteralSecretIsNeverRepeatedInTheError() {
        assertThatThrownBy(() -> loader().load(Path.of(DIR + "literal-secret.yml")))
                .message().doesNotContain("sk_live_abcdef123456");
    }

    @Test
    void aValidFileGivesThePlatformWithItsDefaults() {
        List<Platform> platforms = loader().load(Path.of(DIR + "valid.yml"));

        assertThat(platforms).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("good-shop");
            assertThat(p.nameZh()).isEqualTo("好店");
            assertThat(p.protocol()).isEqualTo("yrapi");
            assertThat(p.credentialRefs()).containsEntry("api-key", "env:GOOD_SHOP_KEY");
            assertThat(p.purchase().priceCap()).isEqualByComparingTo("1.20");
            assertThat(p.purchase().confirmDeadline()).isEqualTo(Duration.ofMinutes(10));
            assertThat(p.purchase().pollMax()).isEqualTo(Duration.ofSeconds(30));
            assertThat(p.dailyBudget()).isEqualByComparingTo("10.00");
            assertThat(p.schedules().get("purchase"))
                    .isEqualTo(new Schedule(Duration.ofMinutes(15), null, Duration.ofMinutes(1)));
        });
    }

    @Test
    void aPurchaseScheduleLeftToItsDefaultIsPacedToTheBudget() {
        Map<String, Schedule> purchase = new java.util.HashMap<>();
        loader().load(Path.of(DIR + "paced.yml")).forEach(p -> purchase.put(p.id(), p.schedules().get("purchase")));
        loader().load(Path.of(DIR + "store-valid.yml")).forEach(p -> purchase.put(p.id(),
                p.schedules().get("purchase")));
        // 10.00 yuan a day at a 1.20 cap pays for 8 purchases: one every 3 hours, not 8 in the day's first hours
        assertThat(purchase.get("store")).isEqualTo(new Schedule(Duration.ofHours(3), null, Duration.ofMinutes(2)));
        assertThat(purchase.get("jitter-only")).as("a jitter alone keeps the default interval")
                .isEqualTo(new Schedule(Duration.ofHours(3), null, Duration.ofMinutes(1)));
        assertThat(purchase.get("mid").every()).as("30.00 pays for 25: 57.6 minutes, whole minutes up")
                .isEqualTo(Duration.ofMinutes(58));
        assertThat(purchase.get("rich").every()).as("100.00 pays for more than 72: every 20 minutes")
                .isEqualTo(Duration.ofMinutes(20));
        assertThat(purchase.get("explicit").every()).as("an interval set is kept").isEqualTo(Duration.ofMinutes(20));
        assertThat(purchase.get("dujiao").every()).as("a checkout pays nothing").isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void aMaintenanceCronThatDoesNotParseIsNamed() {
        Path path = Path.of(DIR + "maintenance-bad-cron.yml");
        assertThatThrownBy(() -> loader().load(path)).isInstanceOf(PlatformConfigException.class)
                .satisfies(e -> assertThat(((PlatformConfigException) e).problems()).singleElement().asString()
                        .startsWith(path + ": platform 'good-shop', field 'maintenance[0].cron': 'every night' is not "
                                + "a Quartz cron expression"));
    }

    @Test
    void maintenanceWindowsAreReadInShanghaiTime() {
        Platform p = loader().load(Path.of(DIR + "maintenance-valid.yml")).get(0);
        // 00:00–03:00 in Shanghai is 16:00–19:00 UTC the day before.
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-20T15:59:59Z"))).isEmpty();
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-20T16:00:00Z"))).get().asString()
                .contains("银行维护");
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-20T18:59:59Z"))).isPresent();
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-20T19:00:00Z"))).isEmpty();
        // Sundays 12:00–12:30 in Shanghai: 2026-11-22 is a Sunday, 2026-11-21 a Saturday.
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-22T04:10:00Z"))).isPresent();
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-21T04:10:00Z"))).isEmpty();
        assertThat(p.maintenanceAt(java.time.Instant.parse("2026-11-22T04:30:00Z"))).isEmpty();
    }

    @Test
    void anAvailabilityBlockIsProbedEveryMinuteByDefault() {
        List<Platform> platforms = loader().load(Path.of(DIR + "availability-valid.yml"));

        assertThat(platforms).singleElement().satisfies(p -> {
            assertThat(p.schedules()).containsKeys("purchase", "availability");
            assertThat(p.schedules().get("availability").every()).isEqualTo(Duration.ofSeconds(60));
            var spec = (cardwatch.probes.availability.AvailabilitySpec) p.options().get("availability");
            assertThat(spec.urls()).extracting(Object::toString)
                    .containsExactly("https://good.example/", "https://api.good.example/ping");
            assertThat(spec.keyword()).isEqualTo("自动发货");
            assertThat(spec.domains()).containsExactlyInAnyOrder("good.example", "api.good.example");
        });
    }

    @Test
    void aStorefrontEntryCarriesItsPayerAndTheReleaseItRuns() {
        List<Platform> platforms = loader().load(Path.of(DIR + "store-valid.yml"));

        assertThat(platforms).hasSize(2);
        assertThat(platforms.get(0)).satisfies(p -> {
            assertThat(p.protocol()).isEqualTo("acg-faka");
            assertThat(p.merchantId()).as("storefronts need no merchant id").isNull();
            assertThat(p.payer().kind()).isEqualTo("balance");
            assertThat(p.options()).containsEntry("version", "3.0.9");
        });
        assertThat(platforms.get(1)).satisfies(p -> {
            assertThat(p.payer().kind()).isEqualTo("checkout");
            assertThat(p.payer().gateway()).hasToString("https://pay.example/");
            assertThat(p.payer().method()).isEqualTo("1");
        });
    }

    @Test
    void resolvedSecretsReachTheProbeButNeverItsToString() {
        SecretResolver secrets = new SecretResolver(ENVIRONMENT::get, null);
        List<Platform> platforms = loader().load(Path.of(DIR + "valid.yml"));
        PlatformCatalog catalog = new PlatformCatalog("valid.yml", platforms, secrets);

        var settings = catalog.settings(platforms.get(0));

        assertThat(settings.credentials().get("api-key")).contains("env-secret-value-1");
        assertThat(settings.toString()).doesNotContain("env-secret-value-1");
        assertThat(secrets.toString()).doesNotContain("env-secret-value-1");
    }

    /** A fleet file over the YAML parser's default limit of 3,145,728 code points loads whole. */
    @Test
    void aTwentyThousandPlatformFileLoads(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder("platforms:\n");
        for (int i = 0; i < 20_000; i++) {
            yaml.append("""
                      - id: fleet-%05d
                        names: { zh: 测试店%05d, en: Fleet shop number %05d }
                        base-url: http://127.0.%d.%d:8080/
                        protocol: yrapi
                        merchant-id: "10001"
                        credentials: { api-key: "env:GOOD_SHOP_KEY" }
                        product: { id: "1001", face-value: 1.00, price-cap: 1.00 }
                        account: "18866667777"
                        availability: { urls: [ "http://127.0.%d.%d:8080/" ], keyword: "在线" }
                        schedule: { availability: { every: 30s }, purchase: { every: 5m } }
                    """.formatted(i, i, i, i / 250, i % 250 + 1, i / 250, i % 250 + 1));
        }
        Path file = dir.resolve("fleet.yml");
        java.nio.file.Files.writeString(file, yaml);
        assertThat(yaml.codePointCount(0, yaml.length())).isGreaterThan(3_145_728);

        List<Platform> platforms = loader().load(file);

        assertThat(platforms).hasSize(20_000);
        assertThat(platforms.get(19_999).id()).isEqualTo("fleet-19999");
    }
}
