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
 * {@code mappings/<kind>.json}) route the API to the platform's {@link Dialect} over a {@link TopUpBook}.
 */
public final class SimulatedPlatform implements AutoCloseable {

    /** The protocols a simulated direct top-up platform can speak. */
    public enum Kind {
        /** 大猿人 yrapi.php, JSON. */
        YRAPI("/yrapi.php/"),
        /** SUP-style Orderstatu_int, GBK k=v. */
        SUP("/sup/");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The product every simulated platform sells: a 1 元 top-up. */
    public static final String PRODUCT_ID = "1001";
    public static final BigDecimal PRODUCT_PRICE = new BigDecimal("0.98");
    public static final BigDecimal FACE_VALUE = new BigDecimal("1.00");
    public static final String MERCHANT_ID = "10001";
    public static final BigDecimal OPENING_BALANCE = new BigDecimal("1000.00");

    private final TopUpBook book;
    private final WireMockServer server;
    private final Kind kind;
    private final boolean tls;

    private SimulatedPlatform(TopUpBook book, WireMockServer server, Kind kind, boolean tls) {
        this.book = book;
        this.server = server;
        this.kind = kind;
        this.tls = tls;
    }

    /**
     * Starts a platform on {@code port} (0 for a free one) with the given profile and API key.
     */
    public static SimulatedPlatform start(String id, Profile profile, String apiKey, int port, long seed) {
        return start(id, profile, apiKey, port, seed, Clock.systemUTC());
    }

    public static SimulatedPlatform start(String id, Profile profile, String apiKey, int port, long seed,
            Clock clock) {
        return start(Kind.YRAPI, id, profile, apiKey, port, seed, clock);
    }

    public static SimulatedPlatform start(Kind kind, String id, Profile profile, String apiKey, int port, long seed,
            Clock clock) {
        return start(kind, id, profile, apiKey, port, seed, clock, false);
    }

    /** With {@code tls}, the platform answers HTTPS only, with {@link DemoTls}'s certificate. */
    public static SimulatedPlatform start(Kind kind, String id, Profile profile, String apiKey, int port, long seed,
            Clock clock, boolean tls) {
        return start(kind, id, profile, apiKey, port, seed, clock, tls, 0);
    }

    /** The first merchant id of the further accounts a yrapi platform may hold ({@link #start} with accounts). */
    public static final int FIRST_ACCOUNT = 20000;

    /**
     * With {@code accounts} above 0, a yrapi platform also holds merchant ids {@link #FIRST_ACCOUNT} onwards, each its
     * own account (balance, orders) with the same API key and profile: many platform entries can buy from one
     * simulator without reading each other's charges as their own. Benchmarks use it.
     */
    public static SimulatedPlatform start(Kind kind, String id, Profile profile, String apiKey, int port, long seed,
            Clock clock, boolean tls, int accounts) {
        return start(kind, id, profile, apiKey, port, seed, clock, tls, accounts, "127.0.0.1");
    }

    /** The same, listening on {@code bind} ({@code 0.0.0.0}: every loopback address, for benchmarks' many hosts). */
    public static SimulatedPlatform start(Kind kind, String id, Profile profile, String apiKey, int port, long seed,
            Clock clock, boolean tls, int accounts, String bind) {
        TopUpBook book = new TopUpBook(id, profile, OPENING_BALANCE, Map.of(PRODUCT_ID, PRODUCT_PRICE), clock, seed);
        java.util.concurrent.ScheduledExecutorService shared = accounts <= 0 ? null
                : java.util.concurrent.Executors.newScheduledThreadPool(2, r -> {
                    Thread t = new Thread(r, "sim-notify-" + id + "-accounts");
                    t.setDaemon(true);
                    return t;
                });
        Map<String, TopUpBook> books = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<String, TopUpBook> more = merchant -> {
            int n;
            try {
                n = Integer.parseInt(merchant) - FIRST_ACCOUNT;
            } catch (NumberFormatException e) {
                return null;
            }
            return n < 0 || n >= accounts ? null : books.computeIfAbsent(merchant, m -> new TopUpBook(id + "-" + m,
                    profile, OPENING_BALANCE, Map.of(PRODUCT_ID, PRODUCT_PRICE), clock, seed * 100_003 + n, shared));
        };
        Dialect dialect = kind == Kind.SUP ? new SupPlatform(book, MERCHANT_ID, apiKey)
                : new YrapiPlatform(book, MERCHANT_ID, apiKey, more);
        WireMockConfiguration options = WireMockConfiguration.options().bindAddress(bind);
        if (tls) {
            options.httpDisabled(true).httpsPort(port).keystorePath(DemoTls.keystore().toString())
                    .keystorePassword(DemoTls.PASSWORD).keyManagerPassword(DemoTls.PASSWORD).keystoreType("PKCS12");
        } else {
            options.port(port);
        }
        WireMockServer server = new WireMockServer(options
                .containerThreads(8)
                .jettyAcceptors(1)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(2)
                .disableRequestJournal()
                .extensions(new HandlerTransformer(request -> {
                    String path = request.path();
                    path = path.startsWith(kind.prefix) ? path.substring(kind.prefix.length()) : path.substring(1);
                    return dialect.handle(path, request.form());
                }, dialect.charset())));
        server.start();
        for (StubMapping mapping : mappings(kind)) {
            server.addStubMapping(mapping);
        }
        return new SimulatedPlatform(book, server, kind, tls);
    }

    static Iterable<StubMapping> mappings(Kind kind) {
        String resource = "/cardwatch/simulator/mappings/" + kind.name().toLowerCase() + ".json";
        try (InputStream in = SimulatedPlatform.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the simulator jar");
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

    /** The platform's money and order book: the ground truth tests assert on. */
    public TopUpBook platform() {
        return book;
    }

    public Kind kind() {
        return kind;
    }

    public int port() {
        return tls ? server.httpsPort() : server.port();
    }

    /** The base URL a Cardwatch platform entry points at, e.g. ending in {@code /yrapi.php/}. */
    public String baseUrl() {
        return (tls ? "https://localhost:" : "http://127.0.0.1:") + port() + kind.prefix;
    }

    @Override
    public void close() {
        server.stop();
        book.close();
    }
}
