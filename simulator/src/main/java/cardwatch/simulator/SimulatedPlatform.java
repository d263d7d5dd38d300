package cardwatch.simulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One simulated platform listening on its own port: a WireMock server whose stub mappings (data, in
 * {@code mappings/yrapi.json}) route the yrapi endpoints to the stateful {@link YrapiPlatform}.
 */
public final class SimulatedPlatform implements AutoCloseable {

    /** The product every simulated platform sells: a 1 元 top-up. */
    public static final String PRODUCT_ID = "1001";
    public static final BigDecimal PRODUCT_PRICE = new BigDecimal("0.98");
    public static final BigDecimal FACE_VALUE = new BigDecimal("1.00");
    public static final String MERCHANT_ID = "10001";
    public static final BigDecimal OPENING_BALANCE = new BigDecimal("1000.00");

    private static final String MAPPINGS = "/cardwatch/simulator/mappings/yrapi.json";

    private final YrapiPlatform platform;
    private final WireMockServer server;

    private SimulatedPlatform(YrapiPlatform platform, WireMockServer server) {
        this.platform = platform;
        this.server = server;
    }

    /**
     * Starts a platform on {@code port} (0 for a free one) with the given profile and API key.
     */
    public static SimulatedPlatform start(String id, Profile profile, String apiKey, int port, long seed) {
        return start(id, profile, apiKey, port, seed, Clock.systemUTC());
    }

    public static SimulatedPlatform start(String id, Profile profile, String apiKey, int port, long seed,
            Clock clock) {
        YrapiPlatform platform = new YrapiPlatform(id, profile, MERCHANT_ID, apiKey, OPENING_BALANCE,
                Map.of(PRODUCT_ID, PRODUCT_PRICE), clock, seed);
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(port)
                .containerThreads(8)
                .jettyAcceptors(1)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(2)
                .disableRequestJournal()
                .extensions(new YrapiTransformer(platform)));
        server.start();
        for (StubMapping mapping : mappings()) {
            server.addStubMapping(mapping);
        }
        return new SimulatedPlatform(platform, server);
    }

    private static Iterable<StubMapping> mappings() {
        try (InputStream in = SimulatedPlatform.class.getResourceAsStream(MAPPINGS)) {
            if (in == null) {
                throw new IllegalStateException(MAPPINGS + " is missing from the simulator jar");
            }
            JsonNode root = JsonMapper.builder().build().readTree(in);
            java.util.List<StubMapping> list = new java.util.ArrayList<>();
            for (JsonNode mapping : root.path("mappings")) {
                list.add(StubMapping.buildFrom(mapping.toString()));
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public YrapiPlatform platform() {
        return platform;
    }

    public int port() {
        return server.port();
    }

    /** The base URL a Cardwatch platform entry points at, ending in {@code /yrapi.php/}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/yrapi.php/";
    }

    @Override
    public void close() {
        server.stop();
        platform.close();
    }
}
