package cardwatch.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulated platforms on their own:
 * {@code java -jar cardwatch-simulator-exec.jar --port 9100 [--profiles reliable,slow] [--api-key KEY]
 * [--accounts N] [--bind ADDRESS]}. With {@code --accounts N} each yrapi platform also holds merchant ids 20000 to 20000 + N - 1, each
 * its own account.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        int accounts = 0;
        String bind = "127.0.0.1";
        String apiKey = System.getenv().getOrDefault("CARDWATCH_SIM_API_KEY", "cardwatch-sim");
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
                            + "--accounts N (merchant ids 20000.. on each yrapi platform) --bind ADDRESS (127.0.0.1)");
                    System.out.println("profiles: " + Profiles.all().keySet());
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg + " (try --help)");
            }
            i++;
        }
        SimulatorFleet fleet = SimulatorFleet.start(specs, apiKey, port, accounts, bind);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close));
        for (SimulatedPlatform member : fleet.members()) {
            System.out.printf("platform %-16s %-6s profile %-16s listens at %s (merchant id %s, product %s)%n",
                    member.platform().id(), member.kind().name().toLowerCase(), member.platform().profile().name(),
                    member.baseUrl(),
                    SimulatedPlatform.MERCHANT_ID, SimulatedPlatform.PRODUCT_ID);
        }
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
