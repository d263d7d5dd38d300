package cardwatch.simulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Several simulated platforms started together: the demo, the stack and multi-platform tests use this. */
public final class SimulatorFleet implements AutoCloseable {

    private final List<SimulatedPlatform> members;

    private SimulatorFleet(List<SimulatedPlatform> members) {
        this.members = List.copyOf(members);
    }

    /** One platform of a fleet: its protocol, id and profile. */
    public record Spec(SimulatedPlatform.Kind kind, String id, Profile profile) {
    }

    /**
     * Starts one yrapi platform per profile, named after it, on consecutive ports from {@code firstPort}
     * (0: free ports).
     */
    public static SimulatorFleet start(Collection<Profile> profiles, String apiKey, int firstPort) {
        return start(profiles.stream().map(p -> new Spec(SimulatedPlatform.Kind.YRAPI, p.name(), p)).toList(),
                apiKey, firstPort);
    }

    /** Starts the given platforms on consecutive ports from {@code firstPort} (0: free ports). */
    public static SimulatorFleet start(List<Spec> specs, String apiKey, int firstPort) {
        return start(specs, apiKey, firstPort, 0);
    }

    /** The same, each yrapi platform also holding {@code accounts} further merchant accounts. */
    public static SimulatorFleet start(List<Spec> specs, String apiKey, int firstPort, int accounts) {
        return start(specs, apiKey, firstPort, accounts, "127.0.0.1");
    }

    /** The same, listening on {@code bind}. */
    public static SimulatorFleet start(List<Spec> specs, String apiKey, int firstPort, int accounts, String bind) {
        List<SimulatedPlatform> started = new ArrayList<>();
        int port = firstPort;
        long seed = 7;
        try {
            for (Spec spec : specs) {
                started.add(SimulatedPlatform.start(spec.kind(), spec.id(), spec.profile(), apiKey, port, seed++,
                        java.time.Clock.systemUTC(), false, accounts, bind));
                port = port == 0 ? 0 : port + 1;
            }
        } catch (RuntimeException e) {
            started.forEach(SimulatedPlatform::close);
            throw e;
        }
        return new SimulatorFleet(started);
    }

    public List<SimulatedPlatform> members() {
        return members;
    }

    @Override
    public void close() {
        members.forEach(SimulatedPlatform::close);
    }
}
