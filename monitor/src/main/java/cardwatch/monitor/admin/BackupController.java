package cardwatch.monitor.admin;

import cardwatch.monitor.api.OpenApiConfiguration;
import cardwatch.monitor.system.CardwatchProperties;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A backup of the embedded H2 database while the service runs (admin token, audited): H2's {@code BACKUP TO}
 * writes the database file into a zip under {@code cardwatch.backup-dir}. It takes no lock and is one consistent
 * snapshot: H2 copies the file as of one moment while writes go on. PostgreSQL is backed up with {@code pg_dump}
 * instead, and an in-memory database has nothing to back up; both are refused with 409 saying so. The file's name is
 * the service's own (the time), never the caller's.
 */
@RestController
@RequestMapping("/api/admin/v1")
@SecurityRequirement(name = OpenApiConfiguration.TOKEN)
class BackupController {

    private static final Logger log = LoggerFactory.getLogger(BackupController.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'cardwatch-'uuuuMMdd'T'HHmmss'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final DataSource dataSource;
    private final Path dir;
    private final AuditLog audit;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();

    BackupController(DataSource dataSource, CardwatchProperties properties, AuditLog audit, Clock clock) {
        this.dataSource = dataSource;
        this.dir = Path.of(properties.backupDir());
        this.audit = audit;
        this.clock = clock;
    }

    /** The backup written: its absolute path, its size and how long it took. */
    record Backup(String file, long bytes, long tookMillis) {
    }

    @PostMapping("/backup")
    ResponseEntity<?> backup(Principal who) throws IOException, SQLException {
        if (!running.tryLock()) {
            return problem(HttpStatus.CONFLICT, "a backup is being written; ask again when it has ended");
        }
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            if (!meta.getDatabaseProductName().equalsIgnoreCase("H2")) {
                return problem(HttpStatus.CONFLICT, "the database is " + meta.getDatabaseProductName()
                        + ": back it up with pg_dump --format=custom (README, Backups), not through the service");
            }
            if (meta.getURL().startsWith("jdbc:h2:mem:")) {
                return problem(HttpStatus.CONFLICT, "the database is in memory: nothing on disk to back up");
            }
            Instant started = clock.instant();
            Files.createDirectories(dir);
            Path file = free(dir.toAbsolutePath().normalize(), NAME.format(started));
            long began = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                statement.execute("BACKUP TO '" + file.toString().replace("'", "''") + "'");
            }
            Backup written = new Backup(file.toString(), Files.size(file), (System.nanoTime() - began) / 1_000_000);
            audit.record(who.getName(), "backup", null, null, "{\"bytes\":" + written.bytes() + "}");
            log.info("backup written to {} ({} bytes, {} ms)", file, written.bytes(), written.tookMillis());
            return ResponseEntity.status(HttpStatus.CREATED).body(written);
        } finally {
            running.unlock();
        }
    }

    /** {@code name}.zip, or {@code name}-2.zip and on when a backup of the same second is there. */
    private static Path free(Path dir, String name) {
        Path file = dir.resolve(name + ".zip");
        for (int n = 2; Files.exists(file); n++) {
            file = dir.resolve(name + "-" + n + ".zip");
        }
        return file;
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
