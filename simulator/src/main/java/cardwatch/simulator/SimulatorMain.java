package cardwatch.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulated platforms on their own:
 * {@code java -jar cardwatch-simulator-exec.jar --port 9100 [--profiles reliable,slow] [--api-key KEY]}.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        String apiKey = System.getenv().getOrDefault("CARDWATCH_SIM_API_KEY", "cardwatch-sim");
        List<Profile> profiles = new ArrayList<>(Profiles.all().values());
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--port" -> port = Integer.parseInt(required(arg, value));
                case "--api-key" -> apiKey = required(arg, value);
                case "--profiles" -> {
                    profiles.clear();
                    for (String name : required(arg, value).split(",")) {
                        profiles.add(Profiles.named(name.trim()));
                    }
                }
                case "--help", "-h" -> {
                    System.out.println("usage: --port N (first port, 0 = free ports) --profiles a,b --api-key KEY");
                    System.out.println("profiles: " + Profiles.all().keySet());
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg + " (try --help)");
            }
            i++;
        }
        SimulatorFleet fleet = SimulatorFleet.start(profiles, apiKey, port);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close));
        for (SimulatedPlatform member : fleet.members()) {
            System.out.printf("platform %-16s profile %-16s listens at %s (merchant id %s, product %s)%n",
                    member.platform().id(), member.platform().profile().name(), member.baseUrl(),
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
