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

    /**
     * Starts one platform per profile, named after it, on consecutive ports from {@code firstPort}
     * (0: free ports).
     */
    public static SimulatorFleet start(Collection<Profile> profiles, String apiKey, int firstPort) {
        List<SimulatedPlatform> started = new ArrayList<>();
        int port = firstPort;
        long seed = 7;
        try {
            for (Profile profile : profiles) {
                started.add(SimulatedPlatform.start(profile.name(), profile, apiKey, port, seed++));
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
