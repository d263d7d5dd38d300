package cardwatch.probes;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A platform's resolved secrets, by credential name (e.g. {@code api-key}). Its {@code toString} never shows a
 * value, so it is safe in logs and exceptions.
 */
public final class Credentials {

    private final Map<String, String> values;

    public Credentials(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
    }

    /** Every secret value: what {@link Evidence} redacts. */
    public Collection<String> values() {
        return values.values();
    }

    @Override
    public String toString() {
        return "Credentials" + values.keySet();
    }
}
