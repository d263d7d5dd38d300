package cardwatch.simulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A simulated storefront wired to its own simulated epay gateway, as real sites are: store → gateway → notify back
 * to the store. Each listens on its own port. The profile decides what goes wrong, on either side.
 */
public final class SimulatedStore implements AutoCloseable {

    /** The storefront shapes. */
    public enum Kind {
        /** 异次元 acg-faka 3.6: form API, item_id, {list,total}. */
        ACG_FAKA,
        /** 异次元 acg-faka 3.0: commodity_id, bare lists, no delivery_status in guest queries. */
        ACG_FAKA_3_0,
        /** 独角数卡 dujiaoka: forms behind CSRF, redirects and HTML pages. */
        DUJIAOKA
    }

    /** The test double's wallet at the gateway (not part of epay: see {@link EpayGateway}). */
    public static final String PAYER_ACCOUNT = EpayGateway.PAYER_ID;
    /** Our buyer account's user name at an acg-faka store. */
    public static final String ACCOUNT = "cardwatch";

    /**
     * How the store's owner set it up, and how fast time runs for it.
     *
     * @param loginCaptcha  acg-faka's login_verification
     * @param tradeCaptcha  acg-faka's trade_verification
     * @param imageCaptcha  dujiaoka's is_open_img_code
     * @param expiry        dujiaoka's order_expire_time
     * @param notifyMinute  how long the gateway's cron minute lasts (notify retries 1, 2, 16, 36 minutes apart)
     */
    public record Setup(boolean loginCaptcha, boolean tradeCaptcha, boolean imageCaptcha, Duration expiry,
            Duration notifyMinute) {

        /** Captchas off (the owner turned them off, as a shop that sells by API must), upstream's timings. */
        public static final Setup DEFAULT = new Setup(false, false, false, Duration.ofMinutes(5), Duration.ofMinutes(1));

        public Setup withCaptchas(boolean login, boolean trade, boolean image) {
            return new Setup(login, trade, image, expiry, notifyMinute);
        }

        public Setup withExpiry(Duration after) {
            return new Setup(loginCaptcha, tradeCaptcha, imageCaptcha, after, notifyMinute);
        }

        public Setup withNotifyMinute(Duration minute) {
            return new Setup(loginCaptcha, tradeCaptcha, imageCaptcha, expiry, minute);
        }
    }

    private final Kind kind;
    private final EpayGateway gateway;
    private final SimShop shop;
    private final WireMockServer gatewayServer;
    private final WireMockServer shopServer;
    private final String publicHost;

    private SimulatedStore(Kind kind, EpayGateway gateway, SimShop shop, WireMockServer gatewayServer,
            WireMockServer shopServer, String publicHost) {
        this.publicHost = publicHost;
        this.kind = kind;
        this.gateway = gateway;
        this.shop = shop;
        this.gatewayServer = gatewayServer;
        this.shopServer = shopServer;
    }

    /**
     * Starts a store and its gateway on free ports.
     *
     * @param payerKey       the test double wallet's key at the gateway
     * @param storePassword  our buyer account's password at the store (acg-faka)
     */
    public static SimulatedStore start(Kind kind, Profile profile, String payerKey, String storePassword, long seed,
            Clock clock) {
        return start(kind, profile.name(), profile, payerKey, storePassword, seed, clock, Setup.DEFAULT);
    }

    /** The same, its orders counted as platform {@code id} in {@link SimMetrics}. */
    public static SimulatedStore start(Kind kind, String id, Profile profile, String payerKey, String storePassword,
            long seed, Clock clock) {
        return start(kind, id, profile, payerKey, storePassword, seed, clock, Setup.DEFAULT);
    }

    /** The same, set up as given. */
    public static SimulatedStore start(Kind kind, String id, Profile profile, String payerKey, String storePassword,
            long seed, Clock clock, Setup setup) {
        return start(kind, id, profile, payerKey, storePassword, seed, clock, setup, Network.LOCAL);
    }

    /**
     * Where a store listens and how others reach it: the store's pages link to its gateway by {@code publicHost}.
     *
     * @param bind        the address both servers listen on
     * @param publicHost  the host name buyers (the monitor) reach them at, e.g. a compose service's name
     * @param shopPort    the store's port; 0: a free one
     * @param gatewayPort its gateway's port; 0: a free one
     */
    public record Network(String bind, String publicHost, int shopPort, int gatewayPort) {

        /** Both on free ports of 127.0.0.1. */
        public static final Network LOCAL = new Network("127.0.0.1", "127.0.0.1", 0, 0);
    }

    /** The same, on the given network. */
    public static SimulatedStore start(Kind kind, String id, Profile profile, String payerKey, String storePassword,
            long seed, Clock clock, Setup setup, Network network) {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String merchantKey = HexFormat.of().formatHex(secret);
        EpayGateway gateway = new EpayGateway(profile, merchantKey, payerKey, clock, seed, setup.notifyMinute());
        SimShop shop = kind == Kind.DUJIAOKA
                ? new DujiaokaShop(gateway, profile, merchantKey, new DujiaokaShop.Setup(setup.imageCaptcha(),
                        setup.expiry()), clock, seed)
                : new AcgFakaShop(gateway, profile, merchantKey, new AcgFakaShop.Setup(kind == Kind.ACG_FAKA,
                        setup.loginCaptcha(), setup.tradeCaptcha(), ACCOUNT, storePassword), clock, seed);
        shop.platformId(id);
        WireMockServer gatewayServer = server(gateway::handle, network.bind(), network.gatewayPort());
        WireMockServer shopServer = null;
        try {
            gateway.baseUrl("http://" + network.publicHost() + ":" + gatewayServer.port() + "/");
            shopServer = server(shop::handle, network.bind(), network.shopPort());
            shop.baseUrl("http://" + network.publicHost() + ":" + shopServer.port() + "/");
        } catch (RuntimeException e) {
            gatewayServer.stop();
            throw e;
        }
        return new SimulatedStore(kind, gateway, shop, gatewayServer, shopServer, network.publicHost());
    }

    private static WireMockServer server(Function<SimRequest, SimAnswer> handler, String bind, int port) {
        WireMockConfiguration options = WireMockConfiguration.options().bindAddress(bind);
        options = port == 0 ? options.dynamicPort() : options.port(port);
        WireMockServer server = new WireMockServer(options.containerThreads(8).jettyAcceptors(1)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(2).disableRequestJournal()
                .extensions(new HandlerTransformer(handler)));
        server.start();
        for (StubMapping mapping : mappings()) {
            server.addStubMapping(mapping);
        }
        return server;
    }

    static List<StubMapping> mappings() {
        try (InputStream in = SimulatedStore.class.getResourceAsStream("/cardwatch/simulator/mappings/site.json")) {
            JsonNode root = JsonMapper.builder().build().readTree(in);
            List<StubMapping> list = new ArrayList<>();
            root.path("mappings").forEach(m -> list.add(StubMapping.buildFrom(m.toString())));
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The home page's footer HTML (its ICP filing, say). */
    public void footer(String html) {
        shop.footer(html);
    }

    public Kind kind() {
        return kind;
    }

    /** The store's base URL, ending in {@code /}. */
    public String baseUrl() {
        return "http://" + publicHost + ":" + shopServer.port() + "/";
    }

    /** The gateway's base URL, ending in {@code /}. */
    public String gatewayUrl() {
        return "http://" + publicHost + ":" + gatewayServer.port() + "/";
    }

    /** The test double's wallet at the gateway. */
    public BigDecimal wallet() {
        return gateway.wallet();
    }

    /** Our account balance at the store. */
    public BigDecimal storeBalance() {
        return shop.balance();
    }

    /** The store's order book, oldest first. */
    public List<ShopOrder> orders() {
        return shop.orders();
    }

    /** Notifies the gateway sent, retries included. */
    public long notifiesSent() {
        return gateway.notifiesSent();
    }

    /** How many times each buyer key (acg-faka's request_no, dujiaoka's e-mail) was submitted. */
    public Map<String, Long> submissions() {
        return shop.submissions();
    }

    /** Trades at the gateway and how many times each was deducted. */
    public Map<String, Integer> deductions() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        gateway.trades().forEach(t -> out.put(t.tradeNo, t.deductions));
        return out;
    }

    public Map<Fault, Long> gatewayInjected() {
        return gateway.injectedCounts();
    }

    @Override
    public void close() {
        shopServer.stop();
        gatewayServer.stop();
        shop.close();
        gateway.close();
    }
}
