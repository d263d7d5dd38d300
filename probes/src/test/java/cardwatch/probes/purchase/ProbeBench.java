package cardwatch.probes.purchase;

import cardwatch.probes.Credentials;
import cardwatch.probes.PlatformSettings;
import cardwatch.probes.ProbeContext;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Probes;
import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Runs the purchase probe the way the service does, against a real HTTP peer, with short test deadlines. */
final class ProbeBench implements AutoCloseable {

    static final String API_KEY = "test-key-0123456789";
    static final HttpLimits LIMITS = new HttpLimits(Duration.ofMillis(500), Duration.ofMillis(500),
            Duration.ofSeconds(2), 64 * 1024, 3);

    private final MemoryNotifyInbox inbox = new MemoryNotifyInbox();
    /** Cardwatch's protocols, storefronts also paid by the simulated gateway's wallet (a test double). */
    static java.util.Map<String, PurchaseProtocol> protocols() {
        return Probes.protocols(java.util.List.of(new cardwatch.probes.purchase.storefront.SimulatedWalletPayer()));
    }

    private final PurchaseProbe probe = new PurchaseProbe(protocols());
    private final HttpTransport http = new HttpTransport(LIMITS);
    private final NotifyReceiver receiver;

    ProbeBench() throws java.io.IOException {
        receiver = new NotifyReceiver(protocols(), inbox);
    }

    static PurchaseSpec spec() {
        return new PurchaseSpec("1001", new BigDecimal("1.00"), new BigDecimal("1.20"), "18866667777", null,
                Duration.ofMillis(1500), Duration.ofMillis(2500), Duration.ofMillis(100), Duration.ofMillis(400));
    }

    static PlatformSettings platform(String baseUrl, String apiKey) {
        return platform("yrapi", baseUrl, apiKey);
    }

    static PlatformSettings platform(String protocol, String baseUrl, String apiKey) {
        Map<String, String> secrets = apiKey == null ? Map.of() : Map.of("api-key", apiKey);
        return new PlatformSettings("test", URI.create(baseUrl), protocol, "10001", new Credentials(secrets), spec());
    }

    static final String PAYER_KEY = "payer-key-5150";
    static final String STORE_PASSWORD = "store-pass-8080";

    /**
     * A storefront platform paid by {@code payer}: {@code balance} (our account at the store), {@code checkout}
     * (nothing paid) or {@code sim-wallet} (the simulated gateway's test double).
     */
    static PlatformSettings store(String protocol, cardwatch.simulator.SimulatedStore store, String payer) {
        return store(protocol, store, payer, Map.of());
    }

    static PlatformSettings store(String protocol, cardwatch.simulator.SimulatedStore store, String payer,
            Map<String, Object> options) {
        return store(protocol, store, payer, options, spec());
    }

    static PlatformSettings store(String protocol, cardwatch.simulator.SimulatedStore store, String payer,
            Map<String, Object> options, PurchaseSpec spec) {
        Map<String, String> secrets = Map.of("payer-key", PAYER_KEY, "store-login",
                cardwatch.simulator.SimulatedStore.ACCOUNT, "store-password", STORE_PASSWORD);
        boolean dujiaoka = store.kind() == cardwatch.simulator.SimulatedStore.Kind.DUJIAOKA;
        String method = payer.equals("balance") ? "1" : dujiaoka ? "1" : "2";
        Map<String, Object> all = new java.util.LinkedHashMap<>(options);
        if (store.kind() == cardwatch.simulator.SimulatedStore.Kind.ACG_FAKA_3_0) {
            all.put("version", "3.0.0");
        }
        return new PlatformSettings("store-" + System.identityHashCode(store), URI.create(store.baseUrl()), protocol,
                "", new Credentials(secrets), spec, new cardwatch.probes.PayerSettings(payer,
                        URI.create(store.gatewayUrl()), cardwatch.simulator.SimulatedStore.PAYER_ACCOUNT, method,
                        "standard"), all);
    }

    ProbeResult run(PlatformSettings platform) throws InterruptedException {
        return run(platform, "CW" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase());
    }

    ProbeResult run(PlatformSettings platform, String clientOrderId) throws InterruptedException {
        return run(platform, clientOrderId, PurchaseJournal.NONE);
    }

    ProbeResult run(PlatformSettings platform, String clientOrderId, PurchaseJournal journal)
            throws InterruptedException {
        return probe.run(platform, context(platform, clientOrderId, journal));
    }

    PurchaseProbe.Resumption resume(PlatformSettings platform, String clientOrderId, PurchaseJournal journal,
            java.time.Instant submitStart) throws InterruptedException {
        return probe.resume(platform, context(platform, clientOrderId, journal), submitStart);
    }

    BalanceAnswer balance(PlatformSettings platform) throws InterruptedException {
        return protocols().get(platform.protocol()).balance(platform,
                context(platform, "CWBALANCE", PurchaseJournal.NONE));
    }

    /** The first step of a run, as the service takes it. */
    PurchaseProbe.Step start(PlatformSettings platform, String clientOrderId) throws InterruptedException {
        inbox.open(clientOrderId);
        return probe.start(platform, context(platform, clientOrderId, PurchaseJournal.NONE));
    }

    /** The next step of a waiting run: at its wait's end, or at once when a notify for it is here. */
    PurchaseProbe.Step step(PlatformSettings platform, String clientOrderId, PurchaseProbe.Step.Wait wait)
            throws InterruptedException {
        inbox.open(clientOrderId);
        Duration left = Duration.between(java.time.Instant.now(), wait.until());
        java.util.Optional<Notify> notify = inbox.await(clientOrderId, left.isNegative() ? Duration.ZERO : left);
        return probe.advance(platform, context(platform, clientOrderId, PurchaseJournal.NONE), wait.state(),
                notify.orElse(null));
    }

    /** Steps a run from a saved state to its verdict. */
    ProbeResult follow(PlatformSettings platform, String clientOrderId, PurchaseState state, java.time.Instant until)
            throws InterruptedException {
        PurchaseProbe.Step step = new PurchaseProbe.Step.Wait(until, state);
        while (step instanceof PurchaseProbe.Step.Wait wait) {
            step = step(platform, clientOrderId, wait);
        }
        return ((PurchaseProbe.Step.Done) step).result();
    }

    private ProbeContext context(PlatformSettings platform, String clientOrderId, PurchaseJournal journal) {
        receiver.serve(platform);
        return new ProbeContext(Clock.systemUTC(), http, inbox, clientOrderId, receiver.url(), journal);
    }

    /** Places an order the way an interrupted run would have, straight at the platform. */
    void placeDirectly(PlatformSettings platform, String clientOrderId) throws Exception {
        java.util.Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("out_trade_num", clientOrderId);
        form.put("product_id", "1001");
        form.put("mobile", "18866667777");
        form.put("notify_url", receiver.url().toString());
        form.put("userid", "10001");
        form.put("sign", cardwatch.probes.purchase.yrapi.YrapiSigner.sign(form, API_KEY));
        http.postForm(platform.endpoint("index/recharge"), form);
    }

    @Override
    public void close() {
        receiver.close();
    }
}
