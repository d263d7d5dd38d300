package cardwatch.monitor.platform;

import cardwatch.probes.Credentials;
import cardwatch.probes.PlatformSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured platforms, validated, and where they came from. */
public final class PlatformCatalog {

    private final String source;
    private final Map<String, Platform> platforms = new LinkedHashMap<>();
    private final SecretResolver secrets;

    public PlatformCatalog(String source, List<Platform> platforms, SecretResolver secrets) {
        this.source = source;
        this.secrets = secrets;
        platforms.forEach(p -> this.platforms.put(p.id(), p));
    }

    public String source() {
        return source;
    }

    public List<Platform> all() {
        return List.copyOf(platforms.values());
    }

    public Optional<Platform> find(String id) {
        return Optional.ofNullable(platforms.get(id));
    }

    /** What a probe gets: the platform with its secrets resolved now (a missing one is simply absent). */
    public PlatformSettings settings(Platform platform) {
        Map<String, String> resolved = new LinkedHashMap<>();
        platform.credentialRefs().forEach((name, ref) -> secrets.resolve(ref).ifPresent(v -> resolved.put(name, v)));
        return new PlatformSettings(platform.id(), platform.baseUrl(), platform.protocol(), platform.merchantId(),
                new Credentials(resolved), platform.purchase(), platform.payer(), platform.options());
    }
}
