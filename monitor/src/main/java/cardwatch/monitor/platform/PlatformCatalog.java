package cardwatch.monitor.platform;

import cardwatch.probes.Credentials;
import cardwatch.probes.PlatformSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platforms being watched, validated, and where each came from: the platforms file (or the demo) and the admin
 * API. The file wins: an API platform whose id the file also defines is set aside (listed by {@link #shadowed()}, not
 * run) until one of the two goes. Either part can be replaced while the service runs; each change is handed to the
 * listeners (scheduler, meters), in the thread that made it, before the replacing call returns.
 */
public final class PlatformCatalog {

    private static final Logger log = LoggerFactory.getLogger(PlatformCatalog.class);

    /** Where a platform came from. */
    public enum Origin {
        /** the platforms file, or the demo's built-in platforms */
        FILE,
        /** the admin API (stored in the database) */
        API
    }

    /**
     * What one replacement changed: the platforms before and after, by id, and which of those in both have a
     * different entry now.
     */
    public record Change(Map<String, Platform> before, Map<String, Platform> after, List<String> changedEntries) {

        public List<Platform> added() {
            return after.values().stream().filter(p -> !before.containsKey(p.id())).toList();
        }

        public List<Platform> removed() {
            return before.values().stream().filter(p -> !after.containsKey(p.id())).toList();
        }

        /** The platforms (as they are now) whose entry changed. */
        public List<Platform> updated() {
            return changedEntries.stream().map(after::get).toList();
        }

        public boolean isEmpty() {
            return changedEntries.isEmpty() && before.keySet().equals(after.keySet());
        }

        @Override
        public String toString() {
            return added().size() + " added, " + updated().size() + " changed, " + removed().size() + " removed";
        }
    }

    private record Held(Platform platform, String entry, Origin origin) {
    }

    private final String source;
    private final SecretResolver secrets;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private List<PlatformConfigLoader.Loaded> file;
    private List<PlatformConfigLoader.Loaded> api = List.of();
    private volatile Map<String, Held> platforms = Map.of();
    private volatile List<Platform> list = List.of();
    private volatile List<String> shadowed = List.of();

    /** A catalog of these platforms from {@code source}, as a file would give them. */
    public PlatformCatalog(String source, List<Platform> platforms, SecretResolver secrets) {
        this(source, secrets, platforms.stream().map(p -> new PlatformConfigLoader.Loaded(p, p.toString())).toList());
    }

    private PlatformCatalog(String source, SecretResolver secrets, List<PlatformConfigLoader.Loaded> file) {
        this.source = source;
        this.secrets = secrets;
        this.file = List.copyOf(file);
        rebuild();
    }

    /** A catalog of the platforms a file (or the demo) gave, each with its entry. */
    public static PlatformCatalog of(String source, List<PlatformConfigLoader.Loaded> file, SecretResolver secrets) {
        return new PlatformCatalog(source, secrets, file);
    }

    /** The platforms file, or the demo: where the platforms of origin {@link Origin#FILE} come from. */
    public String source() {
        return source;
    }

    public List<Platform> all() {
        return list;
    }

    public Optional<Platform> find(String id) {
        return Optional.ofNullable(platforms.get(id)).map(Held::platform);
    }

    /** Where a watched platform came from; empty when none has the id. */
    public Optional<Origin> origin(String id) {
        return Optional.ofNullable(platforms.get(id)).map(Held::origin);
    }

    /** The ids of API platforms set aside because the file defines the same id. */
    public List<String> shadowed() {
        return shadowed;
    }

    /** Hands every later change to {@code listener}. */
    public void listen(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /** Puts a newly read file's platforms in place of the earlier ones. */
    public synchronized Change replaceFile(List<PlatformConfigLoader.Loaded> platforms) {
        this.file = List.copyOf(platforms);
        return rebuild();
    }

    /** Puts the admin API's platforms, as now stored, in place of the earlier ones. */
    public synchronized Change replaceApi(List<PlatformConfigLoader.Loaded> platforms) {
        this.api = List.copyOf(platforms);
        return rebuild();
    }

    private Change rebuild() {
        Map<String, Held> next = new LinkedHashMap<>();
        file.forEach(l -> next.put(l.platform().id(), new Held(l.platform(), l.entry(), Origin.FILE)));
        List<String> aside = new ArrayList<>();
        for (PlatformConfigLoader.Loaded l : api) {
            if (next.putIfAbsent(l.platform().id(), new Held(l.platform(), l.entry(), Origin.API)) != null) {
                aside.add(l.platform().id());
            }
        }
        Map<String, Held> before = platforms;
        List<String> changed = new ArrayList<>();
        next.forEach((id, held) -> {
            Held old = before.get(id);
            if (old != null && (!old.entry().equals(held.entry()) || old.origin() != held.origin())) {
                changed.add(id);
            }
        });
        if (!aside.equals(shadowed) && !aside.isEmpty()) {
            log.warn("platforms {} are defined both in {} and through the admin API: the file's entries are used, the "
                    + "API's are set aside until one of the two is removed", aside, source);
        }
        platforms = next;
        list = next.values().stream().map(Held::platform).toList();
        shadowed = List.copyOf(aside);
        Change change = new Change(view(before), view(next), List.copyOf(changed));
        if (!change.isEmpty()) {
            for (Consumer<Change> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    log.error("a platform change ({}) was not fully applied by {}", change, listener, e);
                }
            }
        }
        return change;
    }

    private static Map<String, Platform> view(Map<String, Held> held) {
        Map<String, Platform> out = new LinkedHashMap<>();
        held.forEach((id, h) -> out.put(id, h.platform()));
        return out;
    }

    /** What a probe gets: the platform with its secrets resolved now (a missing one is simply absent). */
    public PlatformSettings settings(Platform platform) {
        Map<String, String> resolved = new LinkedHashMap<>();
        platform.credentialRefs().forEach((name, ref) -> secrets.resolve(ref).ifPresent(v -> resolved.put(name, v)));
        return new PlatformSettings(platform.id(), platform.baseUrl(), platform.protocol(), platform.merchantId(),
                new Credentials(resolved), platform.purchase(), platform.payer(), platform.options());
    }
}
