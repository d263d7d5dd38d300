package cardwatch.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulated platforms on their own:
 * {@code java -jar cardwatch-simulator-exec.jar --port 9100 [--profiles reliable,slow] [--stores
 * acg-shop:acg_faka:reliable] [--api-key KEY] [--keys FILE] [--accounts N] [--bind ADDRESS] [--public-host HOST]}. With
 * {@code --accounts N} each yrapi platform also holds merchant ids 20000 to 20000 + N - 1, each its own account.
 * The yrapi and SUP platforms take consecutive ports from {@code --port}, then each store two (the store, then its
 * epay gateway). Every port serves the fleet's ground truth metrics at {@code /sim/metrics}.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        int accounts = 0;
        String bind = "127.0.0.1";
        String publicHost = null;
        String apiKey = System.getenv().getOrDefault("CARDWATCH_SIM_API_KEY", "cardwatch-sim");
        String payerKey = System.getenv().getOrDefault("CARDWATCH_SIM_PAYER_KEY", "cardwatch-sim-payer");
        String storePassword = System.getenv().getOrDefault("CARDWATCH_SIM_STORE_PASSWORD", "cardwatch-sim-store");
        List<StoreSpec> stores = new ArrayList<>(List.of(
                new StoreSpec("acg-shop", SimulatedStore.Kind.ACG_FAKA, Profiles.named("reliable")),
                new StoreSpec("dujiao-shop", SimulatedStore.Kind.DUJIAOKA, Profiles.named("reliable")),
                new StoreSpec("generic-shop", SimulatedStore.Kind.ACG_FAKA, Profiles.named("reliable"))));
        List<SimulatorFleet.Spec> specs = new ArrayList<>();
        Profiles.all().values().forEach(p -> specs.add(new SimulatorFleet.Spec(SimulatedPlatform.Kind.YRAPI, p.name(),
                p)));
        specs.add(new SimulatorFleet.Spec(SimulatedPlatform.Kind.SUP, "sup-reliable", Profiles.named("reliable")));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--port" -> port = Integer.parseInt(required(arg, value));
                case "--api-key" -> apiKey = required(arg, value);
                case "--accounts" -> accounts = Integer.parseInt(required(arg, value));
                case "--bind" -> bind = required(arg, value);
                case "--public-host" -> publicHost = required(arg, value);
                case "--keys" -> {
                    java.util.Properties keys = keys(required(arg, value));
                    apiKey = keys.getProperty("sim-api-key", apiKey);
                    payerKey = keys.getProperty("payer-key", payerKey);
                    storePassword = keys.getProperty("store-password", storePassword);
                }
                case "--stores" -> {
                    stores.clear();
                    if (!required(arg, value).equals("none")) {
                        for (String item : value.split(",")) {
                            stores.add(StoreSpec.parse(item.trim()));
                        }
                    }
                }
                case "--profiles" -> {
                    specs.clear();
                    for (String item : required(arg, value).split(",")) {
                        String[] parts = item.trim().split(":");
                        SimulatedPlatform.Kind kind = parts.length > 1
                                ? SimulatedPlatform.Kind.valueOf(parts[1].toUpperCase()) : SimulatedPlatform.Kind.YRAPI;
                        String id = kind == SimulatedPlatform.Kind.YRAPI ? parts[0] : parts[0] + "-" + parts[1];
                        specs.add(new SimulatorFleet.Spec(kind, id, Profiles.named(parts[0])));
                    }
                }
                case "--help", "-h" -> {
                    System.out.println("usage: --port N (first port, 0 = free ports) --profiles a,b[:sup] --api-key KEY "
                            + "--accounts N (merchant ids 20000.. on each yrapi platform) --bind ADDRESS (127.0.0.1) "
                            + "--public-host HOST (the name the monitor reaches the stores by; the bind address) "
                            + "--stores id:acg_faka|acg_faka_3_0|dujiaoka:profile,... or none "
                            + "--keys FILE (sim-api-key, payer-key, store-password, as the monitor's secrets file) "
                            + "(acg-shop, dujiao-shop and generic-shop; keys from CARDWATCH_SIM_PAYER_KEY and "
                            + "CARDWATCH_SIM_STORE_PASSWORD)");
                    System.out.println("profiles: " + Profiles.all().keySet());
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg + " (try --help)");
            }
            i++;
        }
        SimulatorFleet fleet = SimulatorFleet.start(specs, apiKey, port, accounts, bind);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close));
        String host = publicHost != null ? publicHost : bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
        for (SimulatedPlatform member : fleet.members()) {
            System.out.printf("platform %-16s %-6s profile %-16s listens at %s (merchant id %s, product %s)%n",
                    member.platform().id(), member.kind().name().toLowerCase(), member.platform().profile().name(),
                    member.baseUrl().replace("127.0.0.1", host),
                    SimulatedPlatform.MERCHANT_ID, SimulatedPlatform.PRODUCT_ID);
        }
        int next = port == 0 ? 0 : port + specs.size();
        long seed = 101;
        for (StoreSpec store : stores) {
            SimulatedStore started = SimulatedStore.start(store.kind(), store.id(), store.profile(), payerKey,
                    storePassword, seed++, java.time.Clock.systemUTC(), SimulatedStore.Setup.DEFAULT,
                    new SimulatedStore.Network(bind, host, next, next == 0 ? 0 : next + 1));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            System.out.printf("store    %-16s %-8s profile %-14s listens at %s (gateway %s, buyer %s, product %s)%n",
                    store.id(), store.kind().name().toLowerCase(), store.profile().name(), started.baseUrl(),
                    started.gatewayUrl(), SimulatedStore.ACCOUNT, SimulatedPlatform.PRODUCT_ID);
            next = next == 0 ? 0 : next + 2;
        }
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** A store of the fleet: its platform id, its shape and its profile. */
    record StoreSpec(String id, SimulatedStore.Kind kind, Profile profile) {

        /** {@code id:kind:profile}, e.g. {@code acg-shop:acg_faka:reliable}. */
        static StoreSpec parse(String item) {
            String[] parts = item.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("a store is id:kind:profile (kind acg_faka, acg_faka_3_0 or "
                        + "dujiaoka), was " + item);
            }
            return new StoreSpec(parts[0], SimulatedStore.Kind.valueOf(parts[1].toUpperCase()),
                    Profiles.named(parts[2]));
        }
    }

    /** The simulator's keys from a properties file: the one the monitor reads as its secrets file will do. */
    private static java.util.Properties keys(String file) {
        java.util.Properties keys = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
            keys.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--keys " + file + ": " + e.getMessage(), e);
        }
        return keys;
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
