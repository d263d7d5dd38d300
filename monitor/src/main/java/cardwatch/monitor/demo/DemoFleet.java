package cardwatch.monitor.demo;

import cardwatch.monitor.platform.DemoPlatforms;
import cardwatch.monitor.platform.PlatformEntry;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.system.CardwatchProperties;
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

    /** One demo platform: id, protocol, profile and display names. */
    record DemoPlatform(String id, SimulatedPlatform.Kind kind, String profile, String zh, String en) {
    }

    /** The demo's platforms: one per failure profile, and one of each protocol. */
    static final List<DemoPlatform> PLATFORMS = List.of(
            new DemoPlatform("reliable", SimulatedPlatform.Kind.YRAPI, "reliable", "稳定卡盟", "Steady Cards"),
            new DemoPlatform("slow", SimulatedPlatform.Kind.YRAPI, "slow", "慢速卡盟", "Slowpoke Top-up"),
            new DemoPlatform("notify-lost", SimulatedPlatform.Kind.YRAPI, "notify-lost", "丢回调卡盟",
                    "Lost Callback Shop"),
            new DemoPlatform("stuck", SimulatedPlatform.Kind.YRAPI, "stuck", "卡单卡盟", "Stuck Orders Shop"),
            new DemoPlatform("out-of-stock", SimulatedPlatform.Kind.YRAPI, "out-of-stock", "缺货卡盟",
                    "Empty Shelf Cards"),
            new DemoPlatform("risk", SimulatedPlatform.Kind.YRAPI, "risk", "风控卡盟", "Strict Risk Shop"),
            new DemoPlatform("down", SimulatedPlatform.Kind.YRAPI, "down", "宕机卡盟", "Down For Good"),
            new DemoPlatform("malformed", SimulatedPlatform.Kind.YRAPI, "malformed", "乱码卡盟", "Garbled API Shop"),
            new DemoPlatform("sup-direct", SimulatedPlatform.Kind.SUP, "reliable", "直充通道", "Direct Top-up Line"));

    private static final String KEY_NAME = "demo-simulator-api-key";

    private final SimulatorFleet fleet;
    private final String apiKey;
    private final CardwatchProperties.Demo settings;

    DemoFleet(CardwatchProperties.Demo settings) {
        this.settings = settings;
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        this.apiKey = HexFormat.of().formatHex(key);
        List<SimulatorFleet.Spec> specs = new ArrayList<>();
        for (DemoPlatform platform : PLATFORMS) {
            specs.add(new SimulatorFleet.Spec(platform.kind(), platform.id(), Profiles.named(platform.profile())));
        }
        this.fleet = SimulatorFleet.start(specs, apiKey, 0);
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
            DemoPlatform demo = PLATFORMS.get(i);
            SimulatedPlatform sim = fleet.members().get(i);
            entries.add(new PlatformEntry(demo.id(), new PlatformEntry.Names(demo.zh(), demo.en()),
                    sim.baseUrl(), demo.kind().name().toLowerCase(), SimulatedPlatform.MERCHANT_ID,
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
