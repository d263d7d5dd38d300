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
        /** 异次元 acg-faka: JSON API. */
        ACG_FAKA,
        /** 独角数卡 dujiaoka: forms, redirects and HTML pages. */
        DUJIAOKA
    }

    /** Our wallet at the gateway. */
    public static final String PAYER_ACCOUNT = EpayGateway.PAYER_ID;

    private final Kind kind;
    private final EpayGateway gateway;
    private final SimShop shop;
    private final WireMockServer gatewayServer;
    private final WireMockServer shopServer;

    private SimulatedStore(Kind kind, EpayGateway gateway, SimShop shop, WireMockServer gatewayServer,
            WireMockServer shopServer) {
        this.kind = kind;
        this.gateway = gateway;
        this.shop = shop;
        this.gatewayServer = gatewayServer;
        this.shopServer = shopServer;
    }

    /**
     * Starts a store and its gateway on free ports.
     *
     * @param payerKey    our wallet's key at the gateway
     * @param storeToken  our account's API token at the store (for paying from its balance)
     */
    public static SimulatedStore start(Kind kind, Profile profile, String payerKey, String storeToken, long seed,
            Clock clock) {
        return start(kind, profile.name(), profile, payerKey, storeToken, seed, clock);
    }

    /** The same, its orders counted as platform {@code id} in {@link SimMetrics}. */
    public static SimulatedStore start(Kind kind, String id, Profile profile, String payerKey, String storeToken,
            long seed, Clock clock) {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String merchantKey = HexFormat.of().formatHex(secret);
        EpayGateway gateway = new EpayGateway(profile, merchantKey, payerKey, clock, seed);
        SimShop shop = kind == Kind.DUJIAOKA ? new DujiaokaShop(gateway, profile, merchantKey, storeToken, clock, seed)
                : new AcgFakaShop(gateway, profile, merchantKey, storeToken, clock, seed);
        shop.platformId(id);
        WireMockServer gatewayServer = server(gateway::handle);
        WireMockServer shopServer = null;
        try {
            gateway.baseUrl("http://127.0.0.1:" + gatewayServer.port() + "/");
            shopServer = server(shop::handle);
            shop.baseUrl("http://127.0.0.1:" + shopServer.port() + "/");
        } catch (RuntimeException e) {
            gatewayServer.stop();
            throw e;
        }
        return new SimulatedStore(kind, gateway, shop, gatewayServer, shopServer);
    }

    private static WireMockServer server(Function<SimRequest, SimAnswer> handler) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1").dynamicPort().containerThreads(8).jettyAcceptors(1)
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
        return "http://127.0.0.1:" + shopServer.port() + "/";
    }

    /** The gateway's base URL, ending in {@code /}. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayServer.port() + "/";
    }

    /** Our wallet at the gateway. */
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

    /** How many times each buyer key (request_no / contact) was submitted. */
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
