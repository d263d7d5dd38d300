package cardwatch.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The failure profiles shared by the tests, the demo and the stack, read from {@code profiles.json}. */
public final class Profiles {

    private static final String RESOURCE = "/cardwatch/simulator/profiles.json";
    private static final Map<String, Profile> BUILT_IN = load();

    private Profiles() {
    }

    /** All profiles, in the order the file lists them. */
    public static Map<String, Profile> all() {
        return BUILT_IN;
    }

    public static Profile named(String name) {
        Profile profile = BUILT_IN.get(name);
        if (profile == null) {
            throw new NoSuchElementException("no simulator profile '" + name + "'; known: " + BUILT_IN.keySet());
        }
        return profile;
    }

    private static Map<String, Profile> load() {
        try (InputStream in = Profiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the simulator jar");
            }
            JsonNode root = JsonMapper.builder().build().readTree(in);
            Map<String, Profile> profiles = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : root.properties()) {
                JsonNode p = entry.getValue();
                profiles.put(entry.getKey(), new Profile(
                        entry.getKey(),
                        p.path("description").asString(""),
                        Fault.fromLabel(p.path("fault").asString("none")),
                        p.path("probability").asDouble(0),
                        Duration.ofMillis(p.path("deliveryMedianMillis").asLong(300)),
                        p.path("deliverySigma").asDouble(0.3),
                        Duration.ofMillis(p.path("answerDelayMillis").asLong(30_000)),
                        Duration.ofMillis(p.path("submitDelayMillis").asLong(0)),
                        Duration.ofMillis(p.path("refundDelayMillis").asLong(3 * 3600_000)),
                        Duration.ofMillis(p.path("notifyDelayMillis").asLong(120_000))));
            }
            return Collections.unmodifiableMap(profiles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
