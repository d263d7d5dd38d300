package cardwatch.monitor.demo;

import cardwatch.monitor.platform.DemoPlatforms;
import cardwatch.monitor.platform.PlatformEntry;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.simulator.Profile;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedPlatform;
import cardwatch.simulator.SimulatorFleet;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The demo: one simulated platform per failure profile, started in-process on free ports, each probed every few
 * seconds so that a new user sees real numbers within a minute.
 */
final class DemoFleet implements DemoPlatforms, AutoCloseable {

    /** The demo's profiles and their display names. */
    static final List<List<String>> PLATFORMS = List.of(
            List.of("reliable", "稳定卡盟", "Steady Cards"),
            List.of("slow", "慢速卡盟", "Slowpoke Top-up"),
            List.of("notify-lost", "丢回调卡盟", "Lost Callback Shop"),
            List.of("stuck", "卡单卡盟", "Stuck Orders Shop"),
            List.of("out-of-stock", "缺货卡盟", "Empty Shelf Cards"),
            List.of("risk", "风控卡盟", "Strict Risk Shop"),
            List.of("down", "宕机卡盟", "Down For Good"),
            List.of("malformed", "乱码卡盟", "Garbled API Shop"));

    private static final String KEY_NAME = "demo-simulator-api-key";

    private final SimulatorFleet fleet;
    private final String apiKey;
    private final CardwatchProperties.Demo settings;

    DemoFleet(CardwatchProperties.Demo settings) {
        this.settings = settings;
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        this.apiKey = HexFormat.of().formatHex(key);
        List<Profile> profiles = new ArrayList<>();
        for (List<String> platform : PLATFORMS) {
            profiles.add(Profiles.named(platform.get(0)));
        }
        this.fleet = SimulatorFleet.start(profiles, apiKey, 0);
    }

    List<SimulatedPlatform> members() {
        return fleet.members();
    }

    @Override
    public String source() {
        return "demo configuration";
    }

    @Override
    public List<PlatformEntry> entries(SecretResolver secrets) {
        secrets.register(KEY_NAME, apiKey);
        List<PlatformEntry> entries = new ArrayList<>();
        for (int i = 0; i < PLATFORMS.size(); i++) {
            List<String> names = PLATFORMS.get(i);
            SimulatedPlatform sim = fleet.members().get(i);
            entries.add(new PlatformEntry(names.get(0), new PlatformEntry.Names(names.get(1), names.get(2)),
                    sim.baseUrl(), "yrapi", SimulatedPlatform.MERCHANT_ID,
                    Map.of("api-key", SecretResolver.FILE + KEY_NAME),
                    new PlatformEntry.Product(SimulatedPlatform.PRODUCT_ID, SimulatedPlatform.FACE_VALUE,
                            SimulatedPlatform.FACE_VALUE, null),
                    "18866667777",
                    Map.of("purchase", new PlatformEntry.ScheduleEntry(settings.every().toMillis() + "ms", null,
                            settings.jitter().toMillis() + "ms")),
                    new PlatformEntry.Deadlines(settings.notifyDeadline().toMillis() + "ms",
                            settings.confirmDeadline().toMillis() + "ms", "300ms", "2s"),
                    new PlatformEntry.Budget(settings.dailyBudget())));
        }
        return entries;
    }

    @Override
    public void close() {
        fleet.close();
    }
}
