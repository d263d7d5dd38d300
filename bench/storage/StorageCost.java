import cardwatch.monitor.run.Retention;
import cardwatch.monitor.site.RunDaily;
import cardwatch.monitor.system.CardwatchProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What a year of runs costs on disk, on the embedded H2 database, measured on a sample and carried to a year:
 * N platforms at the defaults (a purchase every 20 minutes, a storefront check every 60 s) for D days, written in
 * the real schema (Flyway's migrations) with rows shaped like the service's (ids, order numbers, evidence, phases),
 * one ledger debit per purchase and a refund for one in ten; then the real retention rolls the hours up and prunes
 * the raw runs, storefront checks first (their windows are shorter), each share measured by what its deletion
 * frees. The database is compacted before each size is taken. The daily roll-ups are written too. Usage (bench/run-storage.sh):
 * {@code StorageCost <dir> [platforms=1000] [days=2]}.
 */
public final class StorageCost {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int platforms = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String url = "jdbc:h2:file:" + dir.resolve("cardwatch").toAbsolutePath() + ";WRITE_DELAY=0";
        DriverManagerDataSource db = new DriverManagerDataSource(url, "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        long empty = compactedSize(url, dir);

        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(Duration.ofDays(days));
        long purchases = 0;
        long checks = 0;
        long ledger = 0;
        long began = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.setAutoCommit(false);
            PreparedStatement run = c.prepareStatement("insert into probe_run (platform_id, probe, scheduled_fire, "
                    + "planned_start, actual_start, ended_at, client_order_id, outcome, reason, flags, phases_ms, "
                    + "delivery_ms, platform_order_no, amount, evidence, status) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')");
            PreparedStatement money = c.prepareStatement("insert into ledger_entry (entry_key, platform_id, run_id, "
                    + "kind, amount, currency, platform_order_no, source, occurred_at, note) "
                    + "values (?, ?, ?, ?, ?, 'CNY', ?, ?, ?, '')");
            int batch = 0;
            for (int p = 0; p < platforms; p++) {
                String platform = String.format("shop-%04d", p);
                for (Instant at = start.plusSeconds(p % 60); at.isBefore(end); at = at.plusSeconds(60)) {
                    boolean purchase = (at.getEpochSecond() / 60) % 20 == p % 20;
                    Timestamp fire = Timestamp.from(at);
                    run.setString(1, platform);
                    run.setString(2, purchase ? "purchase" : "availability");
                    run.setTimestamp(3, fire);
                    run.setTimestamp(4, fire);
                    run.setTimestamp(5, Timestamp.from(at.plusMillis(40)));
                    run.setTimestamp(6, Timestamp.from(at.plusMillis(purchase ? 4_300 : 180)));
                    boolean failed = (at.getEpochSecond() / 60 + p) % 50 == 0;
                    run.setString(8, failed ? "failure" : "success");
                    if (purchase) {
                        String order = "CW" + Long.toString(at.getEpochSecond() * 10_000L + p, 36).toUpperCase();
                        run.setString(7, order);
                        run.setString(9, failed ? "callback_lost" : "delivered");
                        run.setString(10, failed ? "notify_missing" : "");
                        run.setString(11, "balance:118,submit:412,notify:3020,query:640");
                        run.setObject(12, failed ? null : 4_190L);
                        run.setString(13, "Y" + (20261201000000L + purchases));
                        run.setBigDecimal(14, new java.math.BigDecimal("1.00"));
                        run.setString(15, failed ? "no notify within 60 s; query: state 0 (充值中) after 5 tries"
                                : "notify state 1 (成功), card code delivered (16 chars), balance 118.00 -> 117.00");
                        purchases++;
                        money.setString(1, order + ":debit");
                        money.setString(2, platform);
                        money.setLong(3, purchases);
                        money.setString(4, "debit");
                        money.setBigDecimal(5, new java.math.BigDecimal("1.00"));
                        money.setString(6, "Y" + (20261201000000L + purchases));
                        money.setString(7, "balance");
                        money.setTimestamp(8, fire);
                        money.addBatch();
                        ledger++;
                        if (purchases % 10 == 0) {
                            money.setString(1, order + ":refund");
                            money.setString(4, "refund");
                            money.addBatch();
                            ledger++;
                        }
                    } else {
                        run.setString(7, null);
                        run.setString(9, failed ? "http_5xx" : "up");
                        run.setString(10, "");
                        run.setString(11, "connect:12,tls:31,first_byte:88,body:25");
                        run.setObject(12, null);
                        run.setString(13, null);
                        run.setObject(14, null);
                        run.setString(15, failed ? "HTTP 502 from 203.0.113.7, 0.4 KB" : "HTTP 200, 38 KB, keyword found");
                        checks++;
                    }
                    run.addBatch();
                    if (++batch % 5_000 == 0) {
                        run.executeBatch();
                        money.executeBatch();
                        c.commit();
                    }
                }
            }
            run.executeBatch();
            money.executeBatch();
            c.commit();
        }
        double writeSeconds = (System.nanoTime() - began) / 1e9;
        long withRuns = compactedSize(url, dir);

        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        Retention retention = new Retention(JdbcClient.create(db), new DataSourceTransactionManager(db),
                Clock.systemUTC(), properties, new SimpleMeterRegistry());
        long rolling = System.nanoTime();
        int hours = 0;
        for (int rolled = retention.rollUp(end.plus(Duration.ofMinutes(11))); rolled > 0;
                rolled = retention.rollUp(end.plus(Duration.ofMinutes(11)))) {
            hours += rolled;
        }
        double rollSeconds = (System.nanoTime() - rolling) / 1e9;
        new RunDaily(db).rebuild(java.time.LocalDate.ofInstant(start, java.time.ZoneId.of("Asia/Shanghai")),
                java.time.ZoneId.of("Asia/Shanghai"), end);
        JdbcClient jdbc = JdbcClient.create(db);
        long hourly = jdbc.sql("select count(*) from run_hourly").query(Long.class).single();
        CardwatchProperties.Retention windows = properties.retention();
        long rolledUp = compactedSize(url, dir);
        // as retention would go on: first the storefront checks' raw window passes (their raw rows go), then their
        // hours' window (their hourly rows go, their days stay), then every probe's raw window (the purchases go)
        long pruned = pruneAt(retention, end.plus(windows.rawChecks()).plus(Duration.ofHours(1)));
        long withoutChecks = compactedSize(url, dir);
        jdbc.sql("delete from run_hourly where probe = 'availability'").update();
        long withoutCheckHours = compactedSize(url, dir);
        pruned += pruneAt(retention, end.plus(windows.rawRuns()).plus(Duration.ofHours(1)));
        long withoutRuns = compactedSize(url, dir);
        // the ledger's share of what stays for good (it is never pruned; this copy is thrown away after)
        jdbc.sql("delete from ledger_entry").update();
        long withoutLedger = compactedSize(url, dir);
        double ledgerPerDay = (double) (withoutRuns - withoutLedger) / days;

        double checkBytes = (double) (rolledUp - withoutChecks) / checks;
        double checkHoursPerDay = (double) (withoutChecks - withoutCheckHours) / days;
        double purchaseBytes = (double) (withoutCheckHours - withoutRuns) / purchases;
        double restPerDay = (double) (withoutRuns - empty) / days;
        double rawChecks = checkBytes * checks / days * windows.rawChecks().toDays();
        double rawPurchases = purchaseBytes * purchases / days * windows.rawRuns().toDays();
        double checkHours = checkHoursPerDay * windows.hourlyChecks().toDays();
        double rest = restPerDay * 365;
        double year = empty + rawChecks + rawPurchases + checkHours + rest;
        long rows = purchases + checks;
        System.out.printf("platforms %d, %d days sampled: %,d purchases, %,d storefront checks, %,d ledger entries, "
                + "%,d hourly rows (%d hours)%n", platforms, days, purchases, checks, ledger, hourly, hours);
        System.out.printf("written in %.1f s (%,.0f runs/s); rolled up in %.1f s: %.2f s per day; pruned %,d%n",
                writeSeconds, rows / writeSeconds, rollSeconds, rollSeconds / days, pruned);
        System.out.printf("H2 compacted: empty %,d B; with the runs %,d B; rolled up %,d B; without the checks %,d B; "
                + "without their hours %,d B; without any raw run %,d B%n", empty, withRuns, rolledUp, withoutChecks,
                withoutCheckHours, withoutRuns);
        System.out.printf("per raw storefront check %.0f B, per raw purchase %.0f B; the checks' hourly rows %.2f MB "
                + "a day; ledger, purchase hours and days %.2f MB a day%n", checkBytes, purchaseBytes,
                checkHoursPerDay / 1e6, restPerDay / 1e6);
        System.out.printf("of which the ledger %.2f MB a day (%.0f B an entry): %.2f GB a year%n", ledgerPerDay / 1e6,
                ledgerPerDay * days / ledger, ledgerPerDay * 365 / 1e9);
        System.out.printf("a year at the defaults: %.2f GB (raw checks, %d days: %.2f GB; raw purchases, %d days: "
                + "%.2f GB; the checks' hours, %d days: %.2f GB; ledger, purchase hours and days, a year: %.2f GB)%n",
                year / 1e9, windows.rawChecks().toDays(), rawChecks / 1e9, windows.rawRuns().toDays(),
                rawPurchases / 1e9, windows.hourlyChecks().toDays(), checkHours / 1e9, rest / 1e9);
    }

    /** Prunes as at {@code at} until nothing is left to delete (a pass deletes a million rows at most). */
    private static long pruneAt(Retention retention, Instant at) {
        long pruned = 0;
        for (long deleted = retention.prune(at); deleted > 0; deleted = retention.prune(at)) {
            pruned += deleted;
        }
        return pruned;
    }

    /** The database file's size after H2 rewrites it without free space. */
    private static long compactedSize(String url, Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("shutdown compact");
        }
        return Files.size(dir.resolve("cardwatch.mv.db"));
    }
}
