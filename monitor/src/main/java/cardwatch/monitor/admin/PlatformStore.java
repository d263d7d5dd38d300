package cardwatch.monitor.admin;

import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.PlatformConfigException;
import cardwatch.monitor.platform.PlatformConfigLoader;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.monitor.system.LogText;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The platforms added through the admin API, and re-reads of the platforms file. The tables are the truth: each
 * change is written with its audit row and a move of {@code catalog_generation} in one transaction, then applied
 * here at once; every node reads the generation at start and every {@value Pauses#REFRESH_MS} ms and, when it
 * moved, reads the entries again (or its own copy of the platforms file), so a change reaches every node within
 * seconds. Entries are validated by the file's own loader, with the file's own messages.
 */
@Component
public class PlatformStore {

    /** Where an API entry's problems say they come from (a file's name, for the file's). */
    public static final String SOURCE = "admin API";
    private static final Logger log = LoggerFactory.getLogger(PlatformStore.class);

    /** What a create, update or delete found wrong besides the entry itself. */
    public static final class Refused extends RuntimeException {
        private final boolean missing;

        Refused(String message, boolean missing) {
            super(message);
            this.missing = missing;
        }

        /** True when the platform does not exist (not found), false when it exists but may not be changed. */
        public boolean missing() {
            return missing;
        }
    }

    /** What a re-read of the file changed. */
    public record Reread(String file, int platforms, List<String> added, List<String> changed, List<String> removed) {
    }

    private record Generation(long entries, long file) {
    }

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final PlatformCatalog catalog;
    private final PlatformConfigLoader loader;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Path file;
    private Generation seen;

    public PlatformStore(JdbcClient jdbc, AuditLog audit, PlatformCatalog catalog, PlatformConfigLoader loader,
            PlatformTransactionManager transactions, Clock clock, CardwatchProperties properties) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.catalog = catalog;
        this.loader = loader;
        this.transactions = new TransactionTemplate(transactions);
        this.clock = clock;
        this.file = properties.platformsFile().isBlank() ? null : Path.of(properties.platformsFile());
        refresh();
    }

    /** Adds a platform, and returns its id; its problems (the file's messages) as a {@link PlatformConfigException}. */
    public String create(String text, String actor) {
        PlatformConfigLoader.Loaded entry = loader.readOne(SOURCE, text);
        String id = entry.platform().id();
        if (catalog.origin(id).orElse(null) == PlatformCatalog.Origin.FILE) {
            throw new Refused(fileOwns(id), false);
        }
        try {
            transactions.executeWithoutResult(status -> {
                jdbc.sql("insert into platform_entry (platform_id, entry, updated_by, updated_at) values (?, ?, ?, ?)")
                        .params(id, entry.entry(), actor, clock.instant().atOffset(ZoneOffset.UTC)).update();
                audit.record(actor, "create", id, null, entry.entry());
                moved("generation");
            });
        } catch (DuplicateKeyException e) {
            throw new Refused("platform '" + id + "' exists already; change it with PUT /api/admin/v1/platforms/"
                    + id, false);
        }
        refresh();
        return id;
    }

    /** Puts a new entry in place of an API platform's; the entry's id, when it has one, must be the platform's. */
    public void update(String id, String text, String actor) {
        PlatformConfigLoader.Loaded entry = loader.readOne(SOURCE, text);
        if (!entry.platform().id().equals(id)) {
            throw new PlatformConfigException(List.of(SOURCE + ": platform '" + entry.platform().id() + "', field "
                    + "'id': is not the id of the platform being changed ('" + id + "'); an id cannot be changed, "
                    + "delete the platform and create it anew"));
        }
        String before = stored(id).orElseThrow(() -> missing(id));
        transactions.executeWithoutResult(status -> {
            if (jdbc.sql("update platform_entry set entry = ?, updated_by = ?, updated_at = ? where platform_id = ?")
                    .params(entry.entry(), actor, clock.instant().atOffset(ZoneOffset.UTC), id).update() == 0) {
                throw missing(id);
            }
            audit.record(actor, "update", id, before, entry.entry());
            moved("generation");
        });
        refresh();
    }

    /** Deletes an API platform; its runs, money and incidents stay in the database. Its pause, if any, goes. */
    public void delete(String id, String actor) {
        String before = stored(id).orElseThrow(() -> missing(id));
        transactions.executeWithoutResult(status -> {
            if (jdbc.sql("delete from platform_entry where platform_id = ?").param(id).update() == 0) {
                throw missing(id);
            }
            jdbc.sql("delete from platform_pause where platform_id = ?").param(id).update();
            audit.record(actor, "delete", id, before, null);
            moved("generation");
        });
        refresh();
    }

    /**
     * Reads the platforms file again and puts it in place on this node, then on every other one (each reads its own
     * copy). A file with problems changes nothing: they are thrown, in the file's messages.
     */
    public Reread reread(String actor) {
        if (file == null) {
            throw new Refused("no platforms file is configured (cardwatch.platforms-file): the demo's platforms are "
                    + "built in", false);
        }
        List<PlatformConfigLoader.Loaded> loaded = loader.read(file);
        java.util.Set<String> before = new java.util.LinkedHashSet<>(catalog.all().stream().map(p -> p.id())
                .filter(id -> catalog.origin(id).orElse(null) == PlatformCatalog.Origin.FILE).toList());
        java.util.Set<String> after = new java.util.LinkedHashSet<>(loaded.stream().map(l -> l.platform().id())
                .toList());
        synchronized (this) {
            transactions.executeWithoutResult(status -> {
                audit.record(actor, "reread", null, "{\"platforms\":" + before.size() + "}", "{\"platforms\":"
                        + after.size() + ",\"added\":" + ids(after, before) + ",\"removed\":" + ids(before, after)
                        + "}");
                moved("file_generation");
            });
            PlatformCatalog.Change change = catalog.replaceFile(loaded);
            seen = new Generation(seen.entries(), read().file());
            log.info("re-read {} for {}: {} platforms ({})", file, actor, loaded.size(), change);
            return new Reread(file.toString(), loaded.size(), change.added().stream().map(p -> p.id()).toList(),
                    change.updated().stream().map(p -> p.id()).toList(),
                    change.removed().stream().map(p -> p.id()).toList());
        }
    }

    /** The stored entry of an API platform, as JSON. */
    public Optional<String> stored(String id) {
        return jdbc.sql("select entry from platform_entry where platform_id = ?").param(id).query(String.class)
                .optional();
    }

    /** Reads the generation and, where it moved, the entries or the file: this node's view of every node's changes. */
    @Scheduled(fixedDelay = Pauses.REFRESH_MS, initialDelay = Pauses.REFRESH_MS)
    public synchronized void refresh() {
        Generation now = read();
        if (seen == null || now.entries() != seen.entries()) {
            catalog.replaceApi(entries());
        }
        if (seen != null && now.file() != seen.file() && file != null) {
            try {
                PlatformCatalog.Change change = catalog.replaceFile(loader.read(file));
                log.info("re-read {} as another instance did: {}", file, change);
            } catch (PlatformConfigException e) {
                log.error("re-read {} as another instance did, and it has problems; the platforms read before "
                        + "stay:\n{}",
                        file, String.join("\n", e.problems()));
            }
        }
        seen = now;
    }

    private List<PlatformConfigLoader.Loaded> entries() {
        List<PlatformConfigLoader.Loaded> loaded = new ArrayList<>();
        jdbc.sql("select platform_id, entry from platform_entry order by platform_id")
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list().forEach(row -> {
                    try {
                        loaded.add(loader.readOne(SOURCE, row[1]));
                    } catch (PlatformConfigException e) {
                        // a secret this node lacks, or a rule that changed since: the others may still run it
                        log.error("platform '{}' from the admin API is not valid on this instance and is not run "
                                + "here:\n{}", LogText.escape(row[0], false), String.join("\n", e.problems()));
                    }
                });
        return loaded;
    }

    private Generation read() {
        return jdbc.sql("select generation, file_generation from catalog_generation where id = 1")
                .query((rs, n) -> new Generation(rs.getLong(1), rs.getLong(2))).single();
    }

    private void moved(String column) {
        jdbc.sql("update catalog_generation set " + column + " = " + column + " + 1 where id = 1").update();
    }

    private Refused missing(String id) {
        return catalog.origin(id).orElse(null) == PlatformCatalog.Origin.FILE ? new Refused(fileOwns(id), false)
                : new Refused("no platform with id '" + id + "' was added through the admin API", true);
    }

    private String fileOwns(String id) {
        return "platform '" + id + "' comes from " + catalog.source() + ": the file wins, so change it there and "
                + "re-read the file (POST /api/admin/v1/platforms/reread)";
    }

    /** Up to 100 of the ids in {@code these} and not in {@code those}, as a JSON list. */
    private static String ids(java.util.Set<String> these, java.util.Set<String> those) {
        return "[" + String.join(",", these.stream().filter(id -> !those.contains(id)).limit(100)
                .map(id -> "\"" + id + "\"").toList()) + "]";
    }
}
