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
 * PostgreSQL: VACUUM FULL) before each size is taken. The daily roll-ups are written too. Last, the year is also
 * written out in a database of its own: what retention leaves after a year, made of the sample's last day of rolled-up
 * rows (see {@link #yearWrittenOut}), and measured the same way, beside the figure carried. A year of 72 paid
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
        Sample sample = Sample.of(jdbc, end, budgetZone);
        long writing = System.nanoTime();
        long written = yearWrittenOut(database.sibling("storage_year"), jdbc, end, sample, purchases + checks,
                (purchases - held) / days);
        double writtenSeconds = (System.nanoTime() - writing) / 1e9;
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
        System.out.printf("a year at the defaults written out (the sample's last day repeated, %.0f s): %.2f GB, "
                + "against %.2f GB carried%n", writtenSeconds, written / 1e9, year / 1e9);
    }

    /**
     * The rows the real write path and the real retention made of the sample's last day, from which a year is
     * written out (with the sample's last 7 hours of raw storefront checks, read as they are copied).
     */
    private record Sample(List<Map<String, Object>> ledger, List<Map<String, Object>> purchaseHours,
            List<Map<String, Object>> checkHours, List<Map<String, Object>> days,
            List<Map<String, Object>> purchases) {

        static final String RUN_COLUMNS = "platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                + "client_order_id, outcome, reason, flags, phases_ms, delivery_ms, platform_order_no, amount, "
                + "evidence, status";

        static Sample of(JdbcClient jdbc, Instant end, ZoneId zone) {
            Timestamp from = Timestamp.from(end.minus(Duration.ofDays(1)));
            Timestamp to = Timestamp.from(end);
            return new Sample(
                    jdbc.sql("select entry_key, platform_id, run_id, kind, amount, currency, platform_order_no, "
                            + "source, occurred_at, note from ledger_entry where occurred_at >= ? and occurred_at < ?")
                            .params(from, to).query().listOfRows(),
                    jdbc.sql("select * from run_hourly where probe = 'purchase' and hour_start >= ? and hour_start < ?")
                            .params(from, to).query().listOfRows(),
                    jdbc.sql("select * from run_hourly where probe = 'availability' and hour_start >= ? "
                            + "and hour_start < ?").params(from, to).query().listOfRows(),
                    // a whole day in Shanghai: the one before the day the sample ends on
                    jdbc.sql("select * from run_daily where run_day = ?")
                            .param(LocalDate.ofInstant(end, zone).minusDays(1)).query().listOfRows(),
                    jdbc.sql("select " + RUN_COLUMNS + " from probe_run where probe = 'purchase' and ended_at >= ? "
                            + "and ended_at < ?").params(from, to).query().listOfRows());
        }
    }

    /**
     * What retention leaves after a year, written out rather than carried: the sample's last day of ledger entries,
     * purchase hours and daily roll-ups repeated for each of 365 days (with a day of score history per platform),
     * its checks' hours and raw purchases for 35, its last 7 hours of raw checks as they are. A copy moves by whole
     * days (the default schedules repeat each day) and takes keys of a year's length: run ids (the ledger's keys are
     * made of them) grow each day by all the sample's runs (its ids run over all its days, so a smaller step would
     * repeat a key: with 2 days sampled the ids end twice as long as a year's, one digit more), and order ids come
     * from the run's fire time as the generator makes them. Returns the size on disk.
     */
    private static long yearWrittenOut(Database target, JdbcClient from, Instant end, Sample sample, long runIdStride,
            long purchasesPerDay) throws Exception {
        // one connection throughout: H2 closes a file database when its last connection goes
        org.springframework.jdbc.datasource.SingleConnectionDataSource db =
                new org.springframework.jdbc.datasource.SingleConnectionDataSource(target.url(), target.user(),
                        target.password(), true);
        Flyway.configure().dataSource(db).load().migrate();
        org.springframework.jdbc.core.JdbcTemplate out = new org.springframework.jdbc.core.JdbcTemplate(db);
        int year = 365;
        int raw = 35;
        Batches runs = new Batches(out, "insert into probe_run (" + Sample.RUN_COLUMNS + ") "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        // the `raw-checks` window and the hour under way, streamed: 420,000 rows at 1,000 platforms
        from.sql("select " + Sample.RUN_COLUMNS + " from probe_run where probe = 'availability' and ended_at >= ?")
                .param(Timestamp.from(end.minus(Duration.ofHours(7))))
                .query(rs -> {
                    Object[] row = new Object[16];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    row[2] = shifted(row[2], 0);
                    row[3] = shifted(row[3], 0);
                    row[4] = shifted(row[4], 0);
                    row[5] = shifted(row[5], 0);
                    runs.add(row);
                });
        for (int k = 0; k < raw; k++) {
            for (Map<String, Object> purchase : sample.purchases()) {
                runs.add(run(purchase, k));
            }
        }
        runs.flush();
        Batches hours = new Batches(out, "insert into run_hourly (platform_id, probe, hour_start, successes, failures, "
                + "errors, maintenance, money_lost, delivery_p50_ms, delivery_p95_ms, reasons) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (int k = 0; k < year; k++) {
            for (Map<String, Object> hour : sample.purchaseHours()) {
                hours.add(hour(hour, k));
            }
            if (k < raw) {
                for (Map<String, Object> hour : sample.checkHours()) {
                    hours.add(hour(hour, k));
                }
            }
        }
        hours.flush();
        Batches days = new Batches(out, "insert into run_daily (platform_id, probe, run_day, successes, failures, "
                + "errors, maintenance, delivery_p50_ms, delivery_p95_ms, reasons, flags) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (int k = 0; k < year; k++) {
            for (Map<String, Object> day : sample.days()) {
                days.add(new Object[] {day.get("platform_id"), day.get("probe"),
                        localDate(day.get("run_day")).minusDays(k), day.get("successes"), day.get("failures"),
                        day.get("errors"), day.get("maintenance"), day.get("delivery_p50_ms"),
                        day.get("delivery_p95_ms"), day.get("reasons"), day.get("flags")});
            }
        }
        days.flush();
        // the score's history, kept for good: a row a platform a day (ScoreEvidence), not in the sample's runs
        Batches scores = new Batches(out, "insert into score_history (platform_id, score_day, score, grade, "
                + "computed_at) values (?, ?, ?, ?, ?)");
        List<Object> platforms = sample.days().stream().map(day -> day.get("platform_id")).distinct().toList();
        LocalDate last = localDate(sample.days().get(0).get("run_day"));
        for (int k = 0; k < year; k++) {
            LocalDate day = last.minusDays(k);
            Timestamp computed = Timestamp.from(day.atTime(23, 55).atZone(ZoneId.of("Asia/Shanghai")).toInstant());
            for (Object platform : platforms) {
                scores.add(new Object[] {platform, day, new BigDecimal("87.70"), "B", computed});
            }
        }
        scores.flush();
        Batches ledger = new Batches(out, "insert into ledger_entry (entry_key, platform_id, run_id, kind, amount, "
                + "currency, platform_order_no, source, occurred_at, note) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (int k = 0; k < year; k++) {
            long laterRuns = (long) (year - 1 - k) * runIdStride;
            long laterPurchases = (long) (year - 1 - k) * purchasesPerDay;
            for (Map<String, Object> entry : sample.ledger()) {
                long runId = ((Number) entry.get("run_id")).longValue() + laterRuns;
                boolean charge = "charge".equals(entry.get("kind"));
                String key = charge ? "charge:" + runId : "refund:" + runId + ":1";
                ledger.add(new Object[] {key, entry.get("platform_id"), runId, entry.get("kind"), entry.get("amount"),
                        entry.get("currency"), orderNo((String) entry.get("platform_order_no"), laterPurchases),
                        entry.get("source"), shifted(entry.get("occurred_at"), k), entry.get("note")});
            }
        }
        ledger.flush();
        db.destroy();
        long size = target.size();
        target.largest().forEach(System.out::println); // after VACUUM FULL, as the size
        return size;
    }

    /** A raw run moved {@code k} days back, with the order id its fire time gives (as the generator makes them). */
    private static Object[] run(Map<String, Object> run, int k) {
        Timestamp fire = shifted(run.get("scheduled_fire"), k);
        String platform = (String) run.get("platform_id");
        String order = run.get("client_order_id") == null ? null : "CW" + Long.toString(fire.toInstant()
                .getEpochSecond() * 10_000L + Integer.parseInt(platform.substring(platform.indexOf('-') + 1)), 36)
                .toUpperCase();
        return new Object[] {platform, run.get("probe"), fire, shifted(run.get("planned_start"), k),
                shifted(run.get("actual_start"), k), shifted(run.get("ended_at"), k), order, run.get("outcome"),
                run.get("reason"), run.get("flags"), run.get("phases_ms"), run.get("delivery_ms"),
                run.get("platform_order_no"), run.get("amount"), run.get("evidence"), run.get("status")};
    }

    private static Object[] hour(Map<String, Object> hour, int k) {
        return new Object[] {hour.get("platform_id"), hour.get("probe"), shifted(hour.get("hour_start"), k),
                hour.get("successes"), hour.get("failures"), hour.get("errors"), hour.get("maintenance"),
                hour.get("money_lost"), hour.get("delivery_p50_ms"), hour.get("delivery_p95_ms"), hour.get("reasons")};
    }

    /** "Y" and a number, moved on by {@code by}; null stays null. */
    private static String orderNo(String order, long by) {
        return order == null ? null : "Y" + (Long.parseLong(order.substring(1)) + by);
    }

    private static Timestamp shifted(Object at, int days) {
        Instant instant = at instanceof Timestamp t ? t.toInstant() : ((java.time.OffsetDateTime) at).toInstant();
        return Timestamp.from(instant.minus(Duration.ofDays(days)));
    }

    private static LocalDate localDate(Object day) {
        return day instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) day;
    }

    /** Rows of one insert, sent 5,000 at a time. */
    private static final class Batches {
        private final org.springframework.jdbc.core.JdbcTemplate out;
        private final String sql;
        private final List<Object[]> rows = new ArrayList<>();

        Batches(org.springframework.jdbc.core.JdbcTemplate out, String sql) {
            this.out = out;
            this.sql = sql;
        }

        void add(Object[] row) {
            rows.add(row);
            if (rows.size() == 5_000) {
                flush();
            }
        }

        void flush() {
            out.batchUpdate(sql, rows);
            rows.clear();
        }
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

        /** A new, empty database beside this one: a directory of its own for H2, a database of the server's. */
        Database sibling(String name) throws Exception {
            if (h2File != null) {
                Path dir = h2File.getParent().resolve(name);
                Files.createDirectories(dir);
                return h2(dir);
            }
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                s.execute("create database " + name);
            }
            return new Database(this.name, url.replaceFirst("/postgres\\?", "/" + name + "?"), user, password, null);
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
