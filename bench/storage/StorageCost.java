import cardwatch.monitor.platform.PlatformConfigLoader;
import cardwatch.monitor.run.Retention;
import cardwatch.monitor.site.RunDaily;
import cardwatch.monitor.system.CardwatchProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
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
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What a year of runs costs on disk, on the embedded H2 database or on PostgreSQL, measured on a sample and carried
 * to a year: N platforms at the defaults (10 yuan a day per platform, purchases as often as that pays for at the
 * price cap, a storefront check every 60 s) for D days, written in the real schema (Flyway's migrations) with rows
 * shaped like the service's (ids, order numbers, evidence, phases, ledger keys). A purchase reserves its price cap
 * (1.20 yuan) and pays 1.00, as the protocols' examples do, so the default schedule is a purchase every 3 hours; a
 * purchase the budget would refuse ends as a budget error, as the service writes it (the global budget is taken as
 * sized for the fleet, as BudgetSizing asks). Each paid purchase is one ledger charge, one in ten also a refund.
 * Then the real retention rolls the hours up and prunes the raw runs, storefront checks first (their windows are
 * shorter), each share measured by what its deletion frees; the database is compacted (H2: SHUTDOWN COMPACT;
 * PostgreSQL: VACUUM FULL) before each size is taken. The daily roll-ups are written too. A year of 72 paid
 * purchases a day per platform is carried from the same per-row figures. Usage (bench/run-storage.sh):
 * {@code StorageCost <h2 dir | jdbc:postgresql:... url> [platforms=1000] [days=2]}.
 */
public final class StorageCost {

    /** What a purchase pays and what it reserves: the protocols' example product (face value 1.00, cap 1.20). */
    private static final BigDecimal PRICE = new BigDecimal("1.00");
    private static final BigDecimal CAP = new BigDecimal("1.20");

    public static void main(String[] args) throws Exception {
        Database database = args[0].startsWith("jdbc:postgresql:") ? Database.postgres(args[0])
                : Database.h2(Path.of(args[0]));
        int platforms = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        BigDecimal budget = properties.budget().dailyPerPlatform();
        // the default purchase interval: as often as the budget pays for at the cap, every 20 minutes at most often
        long every = PlatformConfigLoader.pacedEvery(budget, CAP).toMinutes();
        ZoneId budgetZone = ZoneId.of("Asia/Shanghai");
        String url = database.url();
        DriverManagerDataSource db = new DriverManagerDataSource(url, database.user(), database.password());
        Flyway.configure().dataSource(db).load().migrate();
        long empty = database.size();

        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(Duration.ofDays(days));
        long purchases = 0;
        long held = 0;
        long checks = 0;
        long ledger = 0;
        long began = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, database.user(), database.password())) {
            c.setAutoCommit(false);
            PreparedStatement run = c.prepareStatement("insert into probe_run (platform_id, probe, scheduled_fire, "
                    + "planned_start, actual_start, ended_at, client_order_id, outcome, reason, flags, phases_ms, "
                    + "delivery_ms, platform_order_no, amount, evidence, status) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')");
            PreparedStatement money = c.prepareStatement("insert into ledger_entry (entry_key, platform_id, run_id, "
                    + "kind, amount, currency, platform_order_no, source, occurred_at, note) "
                    + "values (?, ?, ?, ?, ?, 'CNY', ?, ?, ?, ?)");
            int batch = 0;
            for (int p = 0; p < platforms; p++) {
                String platform = String.format("shop-%04d", p);
                LocalDate budgetDay = null;
                BigDecimal used = BigDecimal.ZERO;
                for (Instant at = start.plusSeconds(p % 60); at.isBefore(end); at = at.plusSeconds(60)) {
                    boolean purchase = (at.getEpochSecond() / 60) % every == p % every;
                    Timestamp fire = Timestamp.from(at);
                    run.setString(1, platform);
                    run.setString(2, purchase ? "purchase" : "availability");
                    run.setTimestamp(3, fire);
                    run.setTimestamp(4, fire);
                    run.setTimestamp(5, Timestamp.from(at.plusMillis(40)));
                    boolean failed = (at.getEpochSecond() / 60 + p) % 50 == 0;
                    if (purchase) {
                        LocalDate day = at.atZone(budgetZone).toLocalDate();
                        if (!day.equals(budgetDay)) {
                            budgetDay = day;
                            used = BigDecimal.ZERO;
                        }
                        String order = "CW" + Long.toString(at.getEpochSecond() * 10_000L + p, 36).toUpperCase();
                        run.setString(7, order);
                        purchases++;
                        if (used.add(CAP).compareTo(budget) > 0) {
                            // refused before the order leaves: an error row with the refusal, no money
                            run.setTimestamp(6, Timestamp.from(at.plusMillis(55)));
                            run.setString(8, "error");
                            run.setString(9, "budget");
                            run.setString(10, "");
                            run.setString(11, "");
                            run.setObject(12, null);
                            run.setString(13, null);
                            run.setObject(14, null);
                            run.setString(15, "the daily budget of " + budget + " yuan for platform " + platform
                                    + " would be exceeded (" + used.setScale(2) + " used, " + CAP + " needed)");
                            held++;
                        } else {
                            used = used.add(PRICE);
                            run.setTimestamp(6, Timestamp.from(at.plusMillis(4_300)));
                            run.setString(8, failed ? "failure" : "success");
                            run.setString(9, failed ? "callback_lost" : "delivered");
                            run.setString(10, failed ? "notify_missing" : "");
                            run.setString(11, "balance:118,submit:412,notify:3020,query:640");
                            run.setObject(12, failed ? null : 4_190L);
                            run.setString(13, "Y" + (20261201000000L + purchases));
                            run.setBigDecimal(14, PRICE);
                            run.setString(15, failed ? "no notify within 60 s; query: state 0 (充值中) after 5 tries"
                                    : "notify state 1 (成功), card code delivered (16 chars), "
                                            + "balance 118.00 -> 117.00");
                            // as LedgerService writes them: "charge:<run>" with the answer's amount, and a refund
                            // found in the balance as "refund:<run>:1" with its evidence
                            String orderNo = "Y" + (20261201000000L + purchases);
                            long runId = purchases + checks; // the run's identity: rows written so far
                            money.setString(1, "charge:" + runId);
                            money.setString(2, platform);
                            money.setLong(3, runId);
                            money.setString(4, "charge");
                            money.setBigDecimal(5, PRICE);
                            money.setString(6, orderNo);
                            money.setString(7, "answer");
                            money.setTimestamp(8, Timestamp.from(at.plusMillis(452)));
                            money.setString(9, "");
                            money.addBatch();
                            ledger++;
                            if ((purchases - held) % 10 == 0) {
                                money.setString(1, "refund:" + runId + ":1");
                                money.setString(4, "refund");
                                money.setString(7, "balance");
                                money.setTimestamp(8, Timestamp.from(at.plusSeconds(3_600)));
                                money.setString(9, "the balance rose by " + PRICE + " for order " + orderNo);
                                money.addBatch();
                                ledger++;
                            }
                        }
                    } else {
                        run.setTimestamp(6, Timestamp.from(at.plusMillis(180)));
                        run.setString(7, null);
                        run.setString(8, failed ? "failure" : "success");
                        run.setString(9, failed ? "http_5xx" : "up");
                        run.setString(10, "");
                        run.setString(11, "connect:12,tls:31,first_byte:88,body:25");
                        run.setObject(12, null);
                        run.setString(13, null);
                        run.setObject(14, null);
                        run.setString(15, failed ? "HTTP 502 from 203.0.113.7, 0.4 KB"
                                : "HTTP 200, 38 KB, keyword found");
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
        long withRuns = database.size();
        database.largest().forEach(System.out::println);

        Retention retention = new Retention(JdbcClient.create(db), new DataSourceTransactionManager(db),
                Clock.systemUTC(), properties, new SimpleMeterRegistry());
        long rolling = System.nanoTime();
        int hours = 0;
        for (int rolled = retention.rollUp(end.plus(Duration.ofMinutes(11))); rolled > 0;
                rolled = retention.rollUp(end.plus(Duration.ofMinutes(11)))) {
            hours += rolled;
        }
        double rollSeconds = (System.nanoTime() - rolling) / 1e9;
        new RunDaily(db).rebuild(LocalDate.ofInstant(start, budgetZone), budgetZone, end);
        JdbcClient jdbc = JdbcClient.create(db);
        long hourly = jdbc.sql("select count(*) from run_hourly").query(Long.class).single();
        CardwatchProperties.Retention windows = properties.retention();
        long rolledUp = database.size();
        // as retention would go on: first the storefront checks' raw window passes (their raw rows go), then their
        // hours' window (their hourly rows go, their days stay), then every probe's raw window (the purchases go;
        // the budget's refusals first, by hand, to tell their share from the paid purchases')
        long pruned = pruneAt(retention, end.plus(windows.rawChecks()).plus(Duration.ofHours(1)));
        long withoutChecks = database.size();
        jdbc.sql("delete from run_hourly where probe = 'availability'").update();
        long withoutCheckHours = database.size();
        jdbc.sql("delete from probe_run where reason = 'budget'").update();
        long withoutHeld = database.size();
        pruned += pruneAt(retention, end.plus(windows.rawRuns()).plus(Duration.ofHours(1)));
        long withoutRuns = database.size();
        // the ledger's share of what stays for good (it is never pruned; this copy is thrown away after)
        jdbc.sql("delete from ledger_entry").update();
        long withoutLedger = database.size();
        double ledgerPerDay = (double) (withoutRuns - withoutLedger) / days;
        long purchaseHours = jdbc.sql("delete from run_hourly where probe = 'purchase'").update();
        double purchaseHourBytes = (double) (withoutLedger - database.size()) / purchaseHours;
        double ledgerEntry = ledgerPerDay * days / ledger;

        long paid = purchases - held;
        double checkBytes = (double) (rolledUp - withoutChecks) / checks;
        double checkHoursPerDay = (double) (withoutChecks - withoutCheckHours) / days;
        double heldBytes = held == 0 ? 0 : (double) (withoutCheckHours - withoutHeld) / held;
        double paidBytes = (double) (withoutHeld - withoutRuns) / paid;
        double restPerDay = (double) (withoutRuns - empty) / days;
        long rawDays = windows.rawRuns().toDays();
        // raw checks are pruned by the hour: up to the window and the hour under way are kept
        double rawCheckDays = windows.rawChecks().plusHours(1).toMinutes() / 1440.0;
        double rawChecks = checkBytes * checks / days * rawCheckDays;
        double rawPurchases = (heldBytes * held + paidBytes * paid) / days * rawDays;
        double checkHours = checkHoursPerDay * windows.hourlyChecks().toDays();
        double rest = restPerDay * 365;
        double year = empty + rawChecks + rawPurchases + checkHours + rest;
        // a schedule of every 20 minutes with a budget that pays for all of them (a product at 0.13 yuan or less, or
        // a budget of 86.40 yuan at a 1.20 cap): 72 paid purchases a day, each hour with its purchase row
        double fast = platforms * Duration.ofDays(1).dividedBy(Duration.ofMinutes(20));
        double fastRaw = paidBytes * fast * rawDays;
        double fastLedger = ledgerEntry * fast * ((double) ledger / paid) * 365;
        double fastHours = purchaseHourBytes * platforms * 24 * 365;
        double fastYear = empty + rawChecks + fastRaw + checkHours + fastLedger + fastHours
                + (restPerDay - ledgerPerDay) * 365 - purchaseHourBytes * purchaseHours / days * 365;
        long rows = purchases + checks;
        System.out.printf("%s, platforms %d, %d days sampled: %,d purchases (%,d paid, %,d refused by the budget), "
                + "%,d storefront checks, %,d ledger entries, %,d hourly rows (%d hours)%n", database.name(),
                platforms, days, purchases, paid, held, checks, ledger, hourly, hours);
        System.out.printf("written in %.1f s (%,.0f runs/s); rolled up in %.1f s: %.2f s per day; pruned %,d%n",
                writeSeconds, rows / writeSeconds, rollSeconds, rollSeconds / days, pruned);
        System.out.printf("compacted: empty %,d B; with the runs %,d B; rolled up %,d B; without the checks %,d B; "
                + "without their hours %,d B; without the budget's refusals %,d B; without any raw run %,d B%n",
                empty, withRuns, rolledUp, withoutChecks, withoutCheckHours, withoutHeld, withoutRuns);
        System.out.printf("per raw storefront check %.0f B, per raw paid purchase %.0f B, per refused one %.0f B; "
                + "the checks' hourly rows %.2f MB a day; ledger, purchase hours and days %.2f MB a day%n", checkBytes,
                paidBytes, heldBytes, checkHoursPerDay / 1e6, restPerDay / 1e6);
        System.out.printf("of which the ledger %.2f MB a day (%.0f B an entry): %.2f GB a year%n", ledgerPerDay / 1e6,
                ledgerEntry, ledgerPerDay * 365 / 1e9);
        System.out.printf("a year at the defaults: %.2f GB (raw checks, %d hours and the one under way: %.2f GB; "
                + "raw purchases, %d days: "
                + "%.2f GB; the checks' hours, %d days: %.2f GB; ledger, purchase hours and days, a year: %.2f GB)%n",
                year / 1e9, windows.rawChecks().toHours(), rawChecks / 1e9, rawDays, rawPurchases / 1e9,
                windows.hourlyChecks().toDays(), checkHours / 1e9, rest / 1e9);
        System.out.printf("purchases every %d minutes; a purchase's hourly row %.0f B%n", every, purchaseHourBytes);
        System.out.printf("a year with 72 paid purchases a day per platform (every 20m, a budget that pays for them): "
                + "%.2f GB (raw purchases %.2f GB, the ledger %.2f GB, purchase hours %.2f GB)%n", fastYear / 1e9,
                fastRaw / 1e9, fastLedger / 1e9, fastHours / 1e9);
    }

    /** Prunes as at {@code at} until nothing is left to delete (a pass deletes a million rows at most). */
    private static long pruneAt(Retention retention, Instant at) {
        long pruned = 0;
        for (long deleted = retention.prune(at); deleted > 0; deleted = retention.prune(at)) {
            pruned += deleted;
        }
        return pruned;
    }

    /** Where the rows go, and its size on disk once free space is given back. */
    private record Database(String name, String url, String user, String password, Path h2File) {

        static Database h2(Path dir) {
            return new Database("H2", "jdbc:h2:file:" + dir.resolve("cardwatch").toAbsolutePath() + ";WRITE_DELAY=0",
                    "sa", "", dir.resolve("cardwatch.mv.db"));
        }

        static Database postgres(String url) {
            return new Database("PostgreSQL", url, "postgres", "postgres", null);
        }

        /** PostgreSQL: its ten largest tables and indexes, each with its size; H2 tells no sizes. */
        List<String> largest() throws Exception {
            List<String> largest = new ArrayList<>();
            if (h2File != null) {
                return largest;
            }
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                    var rs = s.executeQuery("select relname, relkind, pg_relation_size(oid) from pg_class "
                            + "where relnamespace = 'public'::regnamespace order by 3 desc limit 10")) {
                while (rs.next()) {
                    largest.add(String.format("  %-40s %s %,15d B", rs.getString(1),
                            "i".equals(rs.getString(2)) ? "index" : "table", rs.getLong(3)));
                }
            }
            return largest;
        }

        /**
         * H2: the file after it is rewritten without free space; PostgreSQL: the database's files after VACUUM FULL
         * (tables, indexes, TOAST and the catalogs; the write-ahead log is apart, bounded by max_wal_size).
         */
        long size() throws Exception {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                if (h2File == null) {
                    s.execute("vacuum full");
                    s.execute("checkpoint");
                    try (var rs = s.executeQuery("select pg_database_size(current_database())")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
                s.execute("shutdown compact");
            }
            return Files.size(h2File);
        }
    }
}
