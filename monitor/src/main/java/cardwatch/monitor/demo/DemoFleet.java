package cardwatch.monitor.demo;

import cardwatch.monitor.platform.DemoPlatforms;
import cardwatch.monitor.platform.PlatformEntry;
import cardwatch.monitor.platform.SecretResolver;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.icp.IcpRegistry;
import cardwatch.probes.icp.MiitRegistry;
import cardwatch.simulator.DemoTls;
import cardwatch.simulator.Profiles;
import cardwatch.simulator.SimulatedIcpRegistry;
import cardwatch.simulator.SimulatedReviewSites;
import cardwatch.simulator.SimulatedPlatform;
import cardwatch.simulator.SimulatedStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The demo: simulated platforms started in-process on free ports, one per failure profile and one of each shape
 * (direct top-up APIs, acg-faka stores paid from our account balance there (3.6 and 3.0), a dujiaoka store and a
 * generic adapter checked out through their epay gateway without paying), each probed every few seconds so that a new
 * user sees real numbers within a minute.
 */
final class DemoFleet implements DemoPlatforms, AutoCloseable {

    /**
     * How a demo platform is built. NOWHERE is a platform whose URL leads nowhere (nothing listens at it), as after a
     * typo: it is never reached, so it stays unverified.
     */
    enum Shape { YRAPI, SUP, ACG_FAKA, ACG_FAKA_3_0, ACG_FAKA_CAPTCHA, DUJIAOKA, GENERIC, NOWHERE }

    /** One demo platform: id, shape, profile, payer (storefronts) and display names. */
    record DemoPlatform(String id, Shape shape, String profile, String payer, String zh, String en) {
    }

    static final List<DemoPlatform> PLATFORMS = List.of(
            new DemoPlatform("reliable", Shape.YRAPI, "reliable", null, "稳定卡盟", "Steady Cards"),
            new DemoPlatform("slow", Shape.YRAPI, "slow", null, "慢速卡盟", "Slowpoke Top-up"),
            new DemoPlatform("notify-lost", Shape.YRAPI, "notify-lost", null, "丢回调卡盟", "Lost Callback Shop"),
            new DemoPlatform("stuck", Shape.YRAPI, "stuck", null, "卡单卡盟", "Stuck Orders Shop"),
            new DemoPlatform("out-of-stock", Shape.YRAPI, "out-of-stock", null, "缺货卡盟", "Empty Shelf Cards"),
            new DemoPlatform("risk", Shape.YRAPI, "risk", null, "风控卡盟", "Strict Risk Shop"),
            new DemoPlatform("down", Shape.YRAPI, "down", null, "宕机卡盟", "Down For Good"),
            new DemoPlatform("malformed", Shape.YRAPI, "malformed", null, "乱码卡盟", "Garbled API Shop"),
            new DemoPlatform("sup-direct", Shape.SUP, "reliable", null, "直充通道", "Direct Top-up Line"),
            new DemoPlatform("acg-shop", Shape.ACG_FAKA, "oversold", "balance", "异次元小店", "Dimension Shop"),
            new DemoPlatform("dujiao-shop", Shape.DUJIAOKA, "risk", "checkout", "独角小铺", "Unicorn Card Shop"),
            new DemoPlatform("balance-shop", Shape.ACG_FAKA_3_0, "double-charge", "balance", "余额支付店",
                    "Balance Pay Shop"),
            new DemoPlatform("generic-shop", Shape.GENERIC, "reliable", "checkout", "通用对接店", "Generic API Shop"),
            new DemoPlatform("captcha-shop", Shape.ACG_FAKA_CAPTCHA, "reliable", "balance", "要验证码的店",
                    "Captcha Shop"),
            new DemoPlatform("typo-shop", Shape.NOWHERE, "reliable", null, "地址写错的卡盟", "Mistyped Address Shop"));

    /** The demo platform opted in as critical ({@code critical: true}): the one whose outages would page. */
    static final String CRITICAL = "reliable";
    private static final String API_KEY = "demo-simulator-api-key";
    private static final String PAYER_KEY = "demo-payer-key";
    private static final String STORE_LOGIN = "demo-store-login";
    private static final String STORE_PASSWORD = "demo-store-password";
    private static final String GENERIC_STEPS = "/cardwatch/simulator/generic/acg-faka.yml";
    /** The demo platform whose complaints are read from the simulated complaint sites. */
    static final String REVIEWED = "reliable";
    private static final String HEIMAO_SECRET = "demo-heimao-secret";

    /** A 黑猫-shaped API and a GBK forum: both simulated. */
    private PlatformEntry.Reviews reviews() {
        String base = reviewSites.baseUrl();
        return new PlatformEntry.Reviews(3, List.of(
                new PlatformEntry.Source("heimao", null, base, "稳定卡盟", SecretResolver.FILE + HEIMAO_SECRET, null,
                        null, null, null, null, null, null, null),
                new PlatformEntry.Source("html", "forum", null, null, null, base + "forum/list?page=1", ".post", ".t",
                        ".c", ".d", ".u", "a.l", "a.next")));
    }

    /** The demo platform served over HTTPS with the simulator's own certificate. */
    static final String TLS_PLATFORM = "reliable";

    /** What every simulated home page shows. */
    private static final String AVAILABILITY_KEYWORD = "自动发货";

    /**
     * What each demo platform's footer shows and what the simulated registry holds for its domain: a valid filing,
     * one of another domain, none, no footer, a made-up province, a personal filing.
     */
    private static final Map<String, List<String>> FILINGS = Map.ofEntries(
            Map.entry("reliable", List.of("京ICP备16032877号-1", "稳定网络科技有限公司", "企业", "京ICP备16032877号")),
            Map.entry("slow", List.of("沪ICP备2021012345号-2", "上海慢速信息技术有限公司", "企业", "沪ICP备2021012345号")),
            Map.entry("notify-lost", List.of("", "", "", "")),
            Map.entry("stuck", List.of("京ICP备18260547号-1", "北京卡单科技有限公司", "企业", "京ICP备11112222号")),
            Map.entry("out-of-stock", List.of("粤ICP备13572468号-1", "", "", "")),
            Map.entry("risk", List.of("贵ICP备20230001号-1", "", "", "")),
            Map.entry("malformed", List.of("浙ICP备20240012号-1", "王小明", "个人", "浙ICP备20240012号")),
            Map.entry("sup-direct", List.of("苏ICP备19283746号-1", "江苏直充网络有限公司", "企业", "苏ICP备19283746号")),
            Map.entry("acg-shop", List.of("川ICP备2022008877号-1", "成都异次元科技有限公司", "企业", "川ICP备2022008877号")),
            Map.entry("dujiao-shop", List.of("闽ICP备17171717号-3", "厦门独角网络有限公司", "企业", "闽ICP备17171717号")),
            Map.entry("balance-shop", List.of("鲁ICP备16161616号-1", "济南余额科技有限公司", "企业", "鲁ICP备16161616号")),
            Map.entry("generic-shop", List.of("津ICP备15151515号-1", "天津通用对接有限公司", "企业", "津ICP备15151515号")),
            Map.entry("captcha-shop", List.of("渝ICP备19191919号-1", "重庆验证码科技有限公司", "企业", "渝ICP备19191919号")));

    private final CardwatchProperties.Demo settings;
    private final SimulatedIcpRegistry registry = SimulatedIcpRegistry.start(Clock.systemUTC());
    private final SimulatedReviewSites reviewSites = SimulatedReviewSites.start();
    private final Map<String, String> secrets;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<PlatformEntry> entries = new ArrayList<>();

    DemoFleet(CardwatchProperties.Demo settings) {
        this.settings = settings;
        this.secrets = Map.of(API_KEY, random(), PAYER_KEY, random(), STORE_LOGIN, SimulatedStore.ACCOUNT,
                STORE_PASSWORD, random(), HEIMAO_SECRET, SimulatedReviewSites.SECRET);
        running.add(registry);
        running.add(reviewSites);
        try {
            long seed = 7;
            for (DemoPlatform demo : PLATFORMS) {
                entries.add(start(demo, seed++));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private PlatformEntry start(DemoPlatform demo, long seed) {
        if (demo.shape() == Shape.NOWHERE) {
            return entry(demo, "http://127.0.0.1:" + closedPort() + "/yrapi.php/", "yrapi", SimulatedPlatform.MERCHANT_ID,
                    Map.of("api-key", SecretResolver.FILE + API_KEY), null, null);
        }
        var profile = Profiles.named(demo.profile());
        if (demo.shape() == Shape.YRAPI || demo.shape() == Shape.SUP) {
            SimulatedPlatform.Kind kind = demo.shape() == Shape.SUP ? SimulatedPlatform.Kind.SUP
                    : SimulatedPlatform.Kind.YRAPI;
            SimulatedPlatform sim = SimulatedPlatform.start(kind, demo.id(), profile, secrets.get(API_KEY), 0, seed,
                    Clock.systemUTC(), demo.id().equals(TLS_PLATFORM));
            running.add(sim);
            sim.platform().footer(filing(demo.id()));
            return entry(demo, sim.baseUrl(), kind.name().toLowerCase(), SimulatedPlatform.MERCHANT_ID,
                    Map.of("api-key", SecretResolver.FILE + API_KEY), null, null);
        }
        SimulatedStore.Kind kind = switch (demo.shape()) {
            case DUJIAOKA -> SimulatedStore.Kind.DUJIAOKA;
            case ACG_FAKA_3_0 -> SimulatedStore.Kind.ACG_FAKA_3_0;
            default -> SimulatedStore.Kind.ACG_FAKA;
        };
        SimulatedStore.Setup setup = demo.shape() == Shape.ACG_FAKA_CAPTCHA
                ? SimulatedStore.Setup.DEFAULT.withCaptchas(false, true, false) : SimulatedStore.Setup.DEFAULT;
        SimulatedStore store = SimulatedStore.start(kind, demo.id(), profile, secrets.get(PAYER_KEY),
                secrets.get(STORE_PASSWORD), seed, Clock.systemUTC(), setup);
        running.add(store);
        store.footer(filing(demo.id()));
        String protocol = demo.shape() == Shape.GENERIC ? "generic"
                : demo.shape() == Shape.DUJIAOKA ? "dujiaoka" : "acg-faka";
        boolean checkout = demo.payer().equals("checkout");
        String method = checkout && demo.shape() != Shape.DUJIAOKA ? "2" : "1";
        PlatformEntry.Payer payer = new PlatformEntry.Payer(demo.payer(), checkout ? store.gatewayUrl() : null,
                method);
        Map<String, String> credentials = checkout ? Map.of() : Map.of("store-login", SecretResolver.FILE
                + STORE_LOGIN, "store-password", SecretResolver.FILE + STORE_PASSWORD);
        PlatformEntry entry = entry(demo, store.baseUrl(), protocol, null, credentials, payer,
                demo.shape() == Shape.GENERIC ? genericSteps() : null);
        return demo.shape() == Shape.ACG_FAKA_3_0 ? entry.withVersion("3.0.0") : entry;
    }

    /** The footer a demo platform shows; its record, if any, goes into the simulated registry. */
    private String filing(String id) {
        List<String> filing = FILINGS.getOrDefault(id, List.of("", "", "", ""));
        if (!filing.get(1).isEmpty()) {
            String main = filing.get(3);
            String service = filing.get(0).startsWith(main.substring(0, main.length() - 1)) ? filing.get(0)
                    : main + "-1";
            registry.record(domain(id), filing.get(1), filing.get(2), main, service);
        }
        return filing.get(0).isEmpty() ? "" : SimulatedIcpRegistry.footer(filing.get(0));
    }

    private static String domain(String id) {
        return id + ".example";
    }

    @Override
    public java.nio.file.Path trustStore() {
        return DemoTls.keystore();
    }

    @Override
    public String trustStorePassword() {
        return DemoTls.PASSWORD;
    }

    @Override
    public IcpRegistry icpRegistry() {
        return new MiitRegistry(URI.create(registry.baseUrl()), DemoFleet::arithmetic);
    }

    /** The simulated registry's captcha is arithmetic; the real one needs a real solver. */
    private static String arithmetic(tools.jackson.databind.JsonNode challenge) {
        String[] parts = challenge.path("question").asString("").split("\\+");
        return parts.length == 2 ? String.valueOf(Integer.parseInt(parts[0].trim()) + Integer.parseInt(parts[1].trim()))
                : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> genericSteps() {
        try (InputStream in = DemoFleet.class.getResourceAsStream(GENERIC_STEPS)) {
            Map<String, Object> file = YAMLMapper.builder().build().readValue(in, Map.class);
            return (Map<String, Object>) file.get("generic");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PlatformEntry entry(DemoPlatform demo, String baseUrl, String protocol, String merchantId,
            Map<String, String> credentials, PlatformEntry.Payer payer, Map<String, Object> generic) {
        PlatformEntry entry = new PlatformEntry(demo.id(), new PlatformEntry.Names(demo.zh(), demo.en()), baseUrl,
                protocol, merchantId, credentials,
                new PlatformEntry.Product(SimulatedPlatform.PRODUCT_ID, SimulatedPlatform.FACE_VALUE,
                        SimulatedPlatform.FACE_VALUE, null),
                "18866667777",
                demo.id().equals(REVIEWED) ? Map.of("purchase", schedule(), "availability", schedule(), "icp",
                        schedule(), "reviews", schedule())
                        : Map.of("purchase", schedule(), "availability", schedule(), "icp", schedule()),
                new PlatformEntry.Deadlines(settings.notifyDeadline().toMillis() + "ms",
                        settings.confirmDeadline().toMillis() + "ms", "300ms", "2s"),
                new PlatformEntry.Budget(settings.dailyBudget()), payer, generic,
                new PlatformEntry.Availability(List.of(baseUrl), AVAILABILITY_KEYWORD, null, null),
                new PlatformEntry.Icp(domain(demo.id()), null), demo.id().equals(REVIEWED) ? reviews() : null, null);
        return demo.id().equals(CRITICAL) ? entry.asCritical() : entry;
    }

    private PlatformEntry.ScheduleEntry schedule() {
        return new PlatformEntry.ScheduleEntry(settings.every().toMillis() + "ms", null,
                settings.jitter().toMillis() + "ms");
    }

    /** A local port nothing listens at: taken and given back at once. */
    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    @Override
    public String source() {
        return "demo configuration";
    }

    @Override
    public List<PlatformEntry> entries(SecretResolver resolver) {
        secrets.forEach(resolver::register);
        return List.copyOf(entries);
    }

    @Override
    public void close() {
        for (AutoCloseable sim : running) {
            try {
                sim.close();
            } catch (Exception e) {
                // stopping the demo: nothing more to do
            }
        }
    }
}
