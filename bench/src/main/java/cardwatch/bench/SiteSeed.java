package cardwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.flywaydb.core.Flyway;

/**
 * Writes the public-page benchmark's inputs: an H2 database migrated with the monitor's own migrations and holding
 * {@code days} of hourly purchase runs for {@code n} platforms (each with its own true success rate and delivery
 * times), and a platforms file naming them. The platforms' purchases are scheduled once a year, so the monitor
 * under test only serves pages.
 *
 * <p>Arguments: database file (without .mv.db), migrations directory, platforms file, n, days.
 */
public final class SiteSeed {

    public static void main(String[] args) throws SQLException, IOException {
        String database = args[0];
        Path migrations = Path.of(args[1]);
        Path platforms = Path.of(args[2]);
        int n = Integer.parseInt(args[3]);
        int days = Integer.parseInt(args[4]);
        String url = "jdbc:h2:file:" + database;
        Flyway.configure().dataSource(url, "sa", "").locations("filesystem:" + migrations.toAbsolutePath()).load()
                .migrate();
        Random random = new Random(42);
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        StringBuilder yaml = new StringBuilder("platforms:\n");
        long rows = 0;
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            db.setAutoCommit(false);
            try (PreparedStatement insert = db.prepareStatement("insert into probe_run (platform_id, probe, "
                    + "scheduled_fire, planned_start, actual_start, ended_at, outcome, reason, delivery_ms, status) "
                    + "values (?, 'purchase', ?, ?, ?, ?, ?, ?, ?, 'done')")) {
                for (int i = 0; i < n; i++) {
                    String id = String.format("shop-%04d", i);
                    double rate = 0.80 + 0.2 * random.nextDouble();
                    for (int h = days * 24; h > 0; h--) {
                        OffsetDateTime at = now.minus(Duration.ofHours(h)).atOffset(ZoneOffset.UTC);
                        boolean success = random.nextDouble() < rate;
                        insert.setString(1, id);
                        insert.setObject(2, at);
                        insert.setObject(3, at);
                        insert.setObject(4, at);
                        insert.setObject(5, at.plusSeconds(5));
                        insert.setString(6, success ? "success" : "failure");
                        insert.setString(7, success ? "none" : random.nextBoolean() ? "not_delivered" : "http_error");
                        insert.setObject(8, success ? (Long) (long) (500 + random.nextInt(20_000)) : null);
                        insert.addBatch();
                        rows++;
                    }
                    insert.executeBatch();
                    db.commit();
                    yaml.append("  - id: ").append(id).append('\n')
                            .append("    names: { zh: 测试卡盟").append(i).append(", en: Bench Shop ").append(i)
                            .append(" }\n")
                            .append("    base-url: http://127.0.0.1:9/yrapi.php/\n")
                            .append("    protocol: yrapi\n")
                            .append("    merchant-id: \"").append(10000 + i).append("\"\n")
                            .append("    credentials: { api-key: env:BENCH_API_KEY }\n")
                            .append("    product: { id: \"1\", face-value: 1.00, price-cap: 1.00 }\n")
                            .append("    account: \"18800000000\"\n")
                            .append("    schedule:\n")
                            .append("      purchase: { cron: \"0 0 3 1 1 ?\" }\n");
                }
            }
        }
        Files.writeString(platforms, yaml);
        System.out.printf("seeded %d runs for %d platforms over %d days into %s%n", rows, n, days, database);
    }
}
