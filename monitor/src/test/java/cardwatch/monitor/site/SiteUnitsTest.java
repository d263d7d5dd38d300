package cardwatch.monitor.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The pieces behind the public pages: language choice, safe links, daily roll-ups, day states, chart, queries. */
class SiteUnitsTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null|null                       |zh",
        "en  |null                       |en",
        "zh  |en-US,en;q=0.9             |zh",
        "xx  |en-GB                      |en",
        "null|fr-FR,en;q=0.8,zh;q=0.5    |en",
        "null|fr-FR,zh-TW;q=0.9,en;q=0.8 |zh",
        "null|de-DE                      |zh",
        "null|;;;not a header            |zh"})
    void theLanguageIsChineseUnlessEnglishIsAskedFor(String lang, String acceptLanguage, String expected) {
        Locale locale = SiteWebConfig.SiteLocaleResolver.resolve(lang, acceptLanguage);
        assertThat(locale.getLanguage()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "https://tousu.example/c/1      |https://tousu.example/c/1",
        "http://bbs.example/t?id=2      |http://bbs.example/t?id=2",
        "javascript:alert(1)            |null",
        "JavaScript:alert(1)            |null",
        " javascript:alert(1)           |null",
        "data:text/html,<b>x</b>        |null",
        "//evil.example/x               |null",
        "/relative/path                 |null",
        "vbscript:msgbox                |null",
        "https://例子.测试/投诉          |https://xn--fsqu00a.xn--0zwm56d/%E6%8A%95%E8%AF%89",
        "ht tp://broken                 |null"})
    void onlyAbsoluteHttpLinksBecomeLinks(String url, String expected) {
        assertThat(PlatformPageController.safeLink(url)).isEqualTo(expected);
    }

    @Test
    void runsRollUpIntoShanghaiDaysWithMaintenanceErrorsAndReasonsApart() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:daily-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        JdbcClient jdbc = JdbcClient.create(db);
        Instant now = Instant.parse("2026-11-20T04:00:00Z"); // 12:00 in Shanghai
        List<Object[]> runs = new ArrayList<>();
        // 2026-11-19T17:00Z is 01:00 on the 20th in Shanghai: today, though it is the 19th in UTC
        runs.add(new Object[] {"p", "purchase", "2026-11-19T17:00:00Z", "success", "none", 4000L});
        runs.add(new Object[] {"p", "purchase", "2026-11-20T01:00:00Z", "success", "none", 2000L});
        runs.add(new Object[] {"p", "purchase", "2026-11-20T02:00:00Z", "failure", "not_delivered", null});
        runs.add(new Object[] {"p", "purchase", "2026-11-20T02:30:00Z", "failure", "not_delivered", null});
        runs.add(new Object[] {"p", "purchase", "2026-11-20T03:00:00Z", "failure", "timeout", null});
        runs.add(new Object[] {"p", "purchase", "2026-11-20T03:10:00Z", "failure", "maintenance", null});
        runs.add(new Object[] {"p", "purchase", "2026-11-20T03:20:00Z", "error", "network", null});
        runs.add(new Object[] {"p", "purchase", "2026-11-19T15:00:00Z", "success", "none", 1000L}); // 23:00 the 19th
        runs.add(new Object[] {"p", "purchase", "2026-11-18T03:00:00Z", "success", "none", 1000L}); // 26 h ago
        int fire = 0;
        for (Object[] run : runs) {
            Instant at = Instant.parse((String) run[2]);
            jdbc.sql("insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                    + "outcome, reason, delivery_ms, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')")
                    .params(run[0], run[1], at.plusMillis(++fire).atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC),
                            at.atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC), run[3], run[4], run[5])
                    .update();
        }
        RunDaily daily = new RunDaily(db);
        RunDaily.Recent recent = daily.rebuild(LocalDate.parse("2026-11-01"), SHANGHAI, now);

        Map<LocalDate, RunDaily.Day> days = new java.util.HashMap<>();
        daily.since(LocalDate.parse("2026-11-01")).forEach(d -> days.put(d.day(), d));
        RunDaily.Day today = days.get(LocalDate.parse("2026-11-20"));
        assertThat(today.successes()).isEqualTo(2);
        assertThat(today.failures()).isEqualTo(3);
        assertThat(today.maintenance()).isEqualTo(1);
        assertThat(today.errors()).isEqualTo(1);
        assertThat(today.reasons()).containsExactly(Map.entry("not_delivered", 2), Map.entry("timeout", 1));
        assertThat(today.deliveryP50Ms()).isEqualTo(2000L);
        assertThat(today.deliveryP95Ms()).isEqualTo(4000L);
        assertThat(days.get(LocalDate.parse("2026-11-19")).successes()).isEqualTo(1);
        assertThat(recent.purchases24h().get("p")).as("24 h: 3 successes of 6 judged").containsExactly(3, 6);

        assertThat(SiteSnapshot.DayBar.of(today.day(), today).state()).as("3 of 5 failed").isEqualTo("outage");
        jdbc.sql("delete from probe_run where reason = 'timeout'").update();
        jdbc.sql("update probe_run set outcome = 'success', reason = 'none' where reason = 'not_delivered' "
                + "and actual_start < ?").params(Instant.parse("2026-11-20T02:15:00Z").atOffset(ZoneOffset.UTC)).update();
        daily.rebuild(LocalDate.parse("2026-11-20"), SHANGHAI, now);
        RunDaily.Day rebuilt = daily.since(LocalDate.parse("2026-11-20")).get(0);
        assertThat(rebuilt.reasons()).containsExactly(Map.entry("not_delivered", 1));
        assertThat(SiteSnapshot.DayBar.of(rebuilt.day(), rebuilt).state()).as("1 of 4 failed").isEqualTo("degraded");
        assertThat(daily.since(LocalDate.parse("2026-11-01"))).as("earlier days untouched").hasSize(3);
    }

    /**
     * The refresh reads only the rows written since the last one; over random runs (purchases that end later, rows
     * that become visible after rows with higher ids, days that turn) its figures equal a rebuild from every row.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void anUpdateFromTheNewRowsEqualsARebuildFromAll(long seed) {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:incremental-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        JdbcClient jdbc = JdbcClient.create(db);
        java.util.Random random = new java.util.Random(seed);
        Instant now = Instant.parse("2026-11-20T14:00:00Z"); // 22:00 in Shanghai: the day turns within the test
        RunDaily incremental = new RunDaily(db);
        List<Long> unfinished = new ArrayList<>();
        long[] id = {100_000};
        java.util.Set<Long> used = new java.util.HashSet<>();
        String[] reasons = {"none", "none", "none", "timeout", "not_delivered", "maintenance", "network"};
        java.util.function.BiConsumer<Instant, Boolean> insert = (at, finished) -> {
            String probe = random.nextInt(4) == 0 ? "purchase" : "availability";
            String reason = reasons[random.nextInt(reasons.length)];
            String outcome = reason.equals("none") ? "success" : reason.equals("network") ? "error" : "failure";
            // ids out of order now and then, as when a batch commits after rows with higher ids
            long rowId = random.nextInt(10) == 0 ? id[0] - 1 - random.nextInt(99) : (id[0] += 100);
            while (!used.add(rowId)) {
                rowId = (id[0] += 100);
            }
            Instant start = at.minusSeconds(random.nextInt(600));
            jdbc.sql("insert into probe_run (id, platform_id, probe, scheduled_fire, planned_start, actual_start, "
                    + "ended_at, outcome, reason, delivery_ms, flags, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(rowId, "p" + random.nextInt(3), probe, start.atOffset(ZoneOffset.UTC).plusNanos(rowId * 1000),
                            start.atOffset(ZoneOffset.UTC), start.atOffset(ZoneOffset.UTC),
                            finished ? at.atOffset(ZoneOffset.UTC) : null, finished ? outcome : null,
                            finished ? reason : null,
                            finished && outcome.equals("success") && probe.equals("purchase")
                                    ? (Long) (long) random.nextInt(60_000) : null,
                            random.nextInt(5) == 0 ? "notify_missing" : "", finished ? "done" : "running")
                    .update();
            if (!finished) {
                unfinished.add(rowId);
            }
        };
        for (int i = 0; i < 200; i++) {
            insert.accept(now.minusSeconds(random.nextInt(86_400 * 2)), random.nextInt(8) != 0);
        }
        incremental.rebuild(LocalDate.parse("2026-11-01"), SHANGHAI, now);
        for (int refresh = 0; refresh < 12; refresh++) {
            now = now.plusSeconds(30 * 60);
            for (int i = 0; i < 40; i++) {
                insert.accept(now.minusSeconds(random.nextInt(1800)), random.nextInt(8) != 0);
            }
            for (java.util.Iterator<Long> it = unfinished.iterator(); it.hasNext(); ) {
                long open = it.next();
                if (random.nextBoolean()) {
                    jdbc.sql("update probe_run set ended_at = ?, outcome = 'success', reason = 'none', status = 'done' "
                            + "where id = ?").params(now.atOffset(ZoneOffset.UTC), open).update();
                    it.remove();
                }
            }
            RunDaily.Recent updated = incremental.update(SHANGHAI, now);
            Map<List<Object>, RunDaily.Day> live = new java.util.HashMap<>();
            incremental.live().forEach(d -> live.put(List.of(d.platform(), d.probe(), d.day()), d));
            Map<List<Object>, RunDaily.Day> table = new java.util.HashMap<>();
            LocalDate since = LocalDate.ofInstant(now, SHANGHAI).minusDays(1);
            incremental.since(since).forEach(d -> table.put(List.of(d.platform(), d.probe(), d.day()), d));
            assertThat(table).as("refresh %d: the table holds what it counted", refresh).isEqualTo(live);

            RunDaily fresh = new RunDaily(db);
            LocalDate yesterday = LocalDate.ofInstant(now, SHANGHAI).minusDays(1);
            RunDaily.Recent rebuilt = fresh.rebuild(LocalDate.parse("2026-11-01"), SHANGHAI, now);
            Map<List<Object>, RunDaily.Day> all = new java.util.HashMap<>();
            fresh.since(yesterday).forEach(d -> all.put(List.of(d.platform(), d.probe(), d.day()), d));
            assertThat(live).as("refresh %d", refresh).isEqualTo(all);
            assertThat(updated.purchases24h()).usingRecursiveComparison().as("refresh %d", refresh)
                    .isEqualTo(rebuilt.purchases24h());
        }
    }

    /**
     * The pages get every refresh's figures; the table gets them every few minutes (the score reads it), and a day
     * that stops being live is written at once, before the pages read it from there.
     */
    @Test
    void theTableFollowsEveryFewMinutesAndADayLeavingIsWrittenAtOnce() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:daily-writes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        JdbcClient jdbc = JdbcClient.create(db);
        int[] fire = {0};
        java.util.function.BiConsumer<String, String> run = (started, ended) -> jdbc.sql(
                "insert into probe_run (platform_id, probe, scheduled_fire, planned_start, actual_start, ended_at, "
                        + "outcome, reason, status) values ('p', 'purchase', ?, ?, ?, ?, 'success', 'delivered', 'done')")
                .params(Instant.parse(started).plusMillis(++fire[0]).atOffset(ZoneOffset.UTC),
                        Instant.parse(started).atOffset(ZoneOffset.UTC), Instant.parse(started).atOffset(ZoneOffset.UTC),
                        Instant.parse(ended).atOffset(ZoneOffset.UTC))
                .update();
        LocalDate the20th = LocalDate.parse("2026-11-20");
        java.util.function.Function<List<RunDaily.Day>, Integer> on20th = days -> days.stream()
                .filter(d -> d.day().equals(the20th)).mapToInt(RunDaily.Day::successes).sum();
        RunDaily daily = new RunDaily(db);
        run.accept("2026-11-20T10:00:00Z", "2026-11-20T10:00:01Z"); // 18:00 on the 20th in Shanghai
        daily.rebuild(LocalDate.parse("2026-11-01"), SHANGHAI, Instant.parse("2026-11-21T15:50:00Z")); // 23:50, 21st
        daily.update(SHANGHAI, Instant.parse("2026-11-21T15:56:00Z")); // due: written

        // a purchase counts on the day it started: this one ended late on the 21st (its notify long in coming)
        run.accept("2026-11-20T15:00:00Z", "2026-11-21T15:57:00Z");
        daily.update(SHANGHAI, Instant.parse("2026-11-21T15:58:00Z"));
        assertThat(on20th.apply(daily.live())).as("the pages count it at once").isEqualTo(2);
        assertThat(on20th.apply(daily.since(the20th))).as("the table two minutes after its last write").isEqualTo(1);

        daily.update(SHANGHAI, Instant.parse("2026-11-21T16:00:30Z")); // 00:00:30 on the 22nd: the 20th leaves
        assertThat(daily.live()).noneMatch(d -> d.day().equals(the20th));
        assertThat(on20th.apply(daily.since(the20th))).as("written as it left, though not due").isEqualTo(2);
    }

    @Test
    void dayStatesNameTheWorstThingThatHappened() {
        LocalDate day = LocalDate.parse("2026-11-20");
        assertThat(SiteSnapshot.DayBar.of(day, null).state()).isEqualTo("none");
        assertThat(SiteSnapshot.DayBar.of(day, day(10, 0, 0)).state()).isEqualTo("ok");
        assertThat(SiteSnapshot.DayBar.of(day, day(9, 1, 0)).state()).isEqualTo("degraded");
        assertThat(SiteSnapshot.DayBar.of(day, day(1, 2, 0)).state()).isEqualTo("outage");
        assertThat(SiteSnapshot.DayBar.of(day, day(0, 0, 3)).state()).isEqualTo("maintenance");
        assertThat(SiteSnapshot.DayBar.of(day, day(5, 0, 3)).state()).as("maintenance shown apart from a good day")
                .isEqualTo("ok");
    }

    @Test
    void aPlatformsDetailDrawsOneBarAndOneDeliveryPointPerDayFromItsDays() {
        LocalDate first = LocalDate.parse("2026-09-02");
        LocalDate today = first.plusDays(SiteAggregator.DAYS - 1);
        List<RunDaily.Day> days = List.of(
                new RunDaily.Day("p", "purchase", first, 1, 2, 0, 0, 1500L, 4000L, Map.of(), Map.of()),
                new RunDaily.Day("p", "availability", first.plusDays(1), 9, 1, 0, 0, null, null, Map.of(), Map.of()),
                new RunDaily.Day("p", "icp", today, 1, 0, 0, 0, null, null, Map.of(), Map.of()),
                new RunDaily.Day("p", "purchase", today, 4, 0, 0, 0, 800L, 900L, Map.of(), Map.of()));
        SiteSnapshot.Detail detail = new SiteSnapshot.Detail(days, first, today, Map.of());

        assertThat(detail.purchaseBars()).hasSize(SiteAggregator.DAYS);
        assertThat(detail.purchaseBars()).extracting(SiteSnapshot.DayBar::state)
                .containsOnly("outage", "none", "ok").startsWith("outage", "none").endsWith("none", "ok");
        assertThat(detail.purchaseBars().get(0)).isEqualTo(new SiteSnapshot.DayBar(first, 1, 2, 0, "outage"));
        assertThat(detail.availabilityBars()).extracting(SiteSnapshot.DayBar::state).as("the ICP day is no bar")
                .containsOnly("none", "degraded").element(1).isEqualTo("degraded");
        assertThat(detail.delivery()).hasSize(SiteAggregator.DAYS).first()
                .isEqualTo(new SiteSnapshot.DeliveryDay(first, 1.5, 4.0));
        assertThat(detail.delivery().get(1)).isEqualTo(new SiteSnapshot.DeliveryDay(first.plusDays(1), null, null));
        assertThat(detail.delivery().get(SiteAggregator.DAYS - 1)).isEqualTo(new SiteSnapshot.DeliveryDay(today, 0.8, 0.9));
        assertThat(detail).as("equal days, equal detail: the pages' version").isEqualTo(
                new SiteSnapshot.Detail(new ArrayList<>(days), first, today, Map.of()));
    }

    private static RunDaily.Day day(int successes, int failures, int maintenance) {
        return new RunDaily.Day("p", "purchase", LocalDate.parse("2026-11-20"), successes, failures, 0, maintenance,
                null, null, Map.of(), Map.of());
    }

    @Test
    void theDeliveryChartScalesToARoundMaximumAndBreaksAtDaysWithoutDeliveries() {
        assertThat(DeliveryChart.niceCeiling(4.387)).isEqualTo(5);
        assertThat(DeliveryChart.niceCeiling(12)).isEqualTo(20);
        assertThat(DeliveryChart.niceCeiling(0.7)).isEqualTo(1);
        LocalDate d = LocalDate.parse("2026-11-01");
        DeliveryChart chart = DeliveryChart.of(List.of(new SiteSnapshot.DeliveryDay(d, 1.0, 3.0),
                new SiteSnapshot.DeliveryDay(d.plusDays(1), 2.0, 4.0), new SiteSnapshot.DeliveryDay(d.plusDays(2), null, null),
                new SiteSnapshot.DeliveryDay(d.plusDays(3), 1.5, 2.0)));
        assertThat(chart.hasData()).isTrue();
        assertThat(chart.p50()).hasSize(2);
        assertThat(chart.p50().get(0).split(" ")).hasSize(2);
        assertThat(chart.ticks()).extracting(DeliveryChart.Tick::label).containsExactly("0 s", "1.25 s", "2.5 s", "3.75 s",
                "5 s");
        assertThat(DeliveryChart.of(List.of(new SiteSnapshot.DeliveryDay(d, null, null))).hasData()).isFalse();
    }

    @Test
    void rankingQueriesAreCleanedAndSortedWithTiesInRankingOrder() {
        HomeController.Query query = HomeController.Query.of("  稳定  ", "Z", "yes", "drop table", -2);
        assertThat(query).isEqualTo(new HomeController.Query("稳定", "", false, "score", 1));
        SiteSnapshot.Row good = row("a", 95.0, "A", 99, 100);
        SiteSnapshot.Row unknown = row("b", null, "?", 3, 3);
        SiteSnapshot.Row poor = row("c", 55.0, "F", 50, 100);
        List<SiteSnapshot.Row> rows = new ArrayList<>(List.of(unknown, poor, good));
        rows.sort(SiteAggregator.RANKING);
        assertThat(rows).containsExactly(good, poor, unknown);
        rows.sort(HomeController.order("success30d"));
        assertThat(rows).containsExactly(unknown, good, poor);
        assertThat(HomeController.Query.of("稳定", null, null, null, null).matches(row("x", null, "?", 0, 0)))
                .as("matched by Chinese name").isTrue();
        assertThat(HomeController.Query.of(null, "?", "open", null, null).matches(row("x", null, "?", 0, 0)))
                .as("no open incident").isFalse();
    }

    @Test
    void aSearchFindsAPlatformByItsDomainOrAPastedUrlAndSaysWhichDomainItLookedFor() {
        SiteSnapshot.Ratio none = new SiteSnapshot.Ratio(0, 0);
        SiteSnapshot.Row shop = new SiteSnapshot.Row("acg-shop", "发卡店", "ACG Shop", null, "?", none, none, none,
                null, null, null, 0, null, null, null, false, false, SiteSnapshot.Callbacks.NONE, 0, false, null, null,
                List.of("acg-shop.example"));
        for (String found : List.of("acg-shop.example", "https://www.acg-shop.example/goods?id=1",
                "m.acg-shop.example", "发卡", "acg-shop", "ACG Shop")) {
            assertThat(HomeController.Query.of(found, null, null, null, null).matches(shop)).as(found).isTrue();
        }
        // a look-alike is not the platform: shop.example is another domain, acg-shop.exa no domain it has
        for (String missed : List.of("https://other.example/", "shop.example", "acg-shop.exa", "稳定")) {
            assertThat(HomeController.Query.of(missed, null, null, null, null).matches(shop)).as(missed).isFalse();
        }
        assertThat(HomeController.Query.of("https://www.other.example/x", null, null, null, null).domain())
                .isEqualTo("other.example");
        assertThat(HomeController.Query.of("稳定卡盟", null, null, null, null).domain()).isNull();
    }

    private static SiteSnapshot.Row row(String id, Double score, String grade, int successes, int runs) {
        SiteSnapshot.Ratio ratio = new SiteSnapshot.Ratio(successes, runs);
        return row(id, score, score, grade, ratio, false, false);
    }

    private static SiteSnapshot.Row row(String id, Double score, Double high, String grade, SiteSnapshot.Ratio ratio,
            boolean lostMoney, boolean unverified) {
        return new SiteSnapshot.Row(id, "稳定" + id, "Steady " + id, score, grade, ratio, ratio, ratio, null, null,
                null, 0, null, high, null, lostMoney, unverified, SiteSnapshot.Callbacks.NONE, 0, false);
    }

    @Test
    void overlappingRangesShareAPlaceAndOnlySeparateOnesAreOrdered() {
        SiteSnapshot.Ratio some = new SiteSnapshot.Ratio(90, 100);
        List<SiteSnapshot.Row> ranked = Ranking.rank(List.of(
                row("a", 95.0, 99.0, "A", some, false, false),
                row("b", 93.0, 96.0, "A", some, false, false),
                row("c", 90.0, 94.0, "A", some, false, false),
                row("d", 80.0, 85.0, "B", some, false, false),
                row("e", 70.0, 79.0, "C", some, false, false),
                row("f", null, null, "?", some, false, false),
                row("g", null, null, "?", SiteSnapshot.Ratio.NONE, false, true)));
        assertThat(ranked).extracting(SiteSnapshot.Row::id).containsExactly("a", "b", "c", "d", "e", "f", "g");
        assertThat(ranked).extracting(SiteSnapshot.Row::rank).containsExactly(1, 1, 1, 4, 5, 0, 0);
        assertThat(ranked).extracting(SiteSnapshot.Row::tied)
                .containsExactly(true, true, true, false, false, false, false);
    }

    @Test
    void aPlatformThatLostMoneyNeverRanksAboveOneThatOnlyRefusedOrders() {
        SiteSnapshot.Ratio some = new SiteSnapshot.Ratio(8, 16);
        List<SiteSnapshot.Row> ranked = Ranking.rank(List.of(
                row("double-charged", 88.0, 95.0, "C", some, true, false),
                row("refuses", 40.0, 60.0, "F", some, false, false)));
        assertThat(ranked).extracting(SiteSnapshot.Row::id).containsExactly("refuses", "double-charged");
        assertThat(ranked).extracting(SiteSnapshot.Row::rank).containsExactly(1, 2);
    }

    @Test
    void theCallbacksNoticeShowsTheScoresOwnFiguresWhereTheScoreJudgesCallbacks() {
        LocalDate today = LocalDate.of(2026, 12, 1);
        // 10 purchases judged by the day, 4 without their notify, 1 contradicting; the score, which counts only the
        // purchases that should have been notified over its rolling 30 days, saw 9 of them and 3 missing
        List<RunDaily.Day> days = List.of(new RunDaily.Day("p", "purchase", today.minusDays(3), 7, 3, 0, 0, null,
                null, Map.of(), Map.of("notify_missing", 4, "notify_conflict", 1)));
        var score = new cardwatch.monitor.scoring.ScoreCalculator.Score(80.0, "B", Map.of("callbacks",
                new cardwatch.monitor.scoring.ScoreCalculator.Component(66.7, Map.of("purchases_30d", 9,
                        "notify_missing", 3))));
        assertThat(SiteAggregator.callbacks(days, today.minusDays(29), score))
                .isEqualTo(new SiteSnapshot.Callbacks(3, 1, 9));
        var noCallbacks = new cardwatch.monitor.scoring.ScoreCalculator.Score(80.0, "B", Map.of());
        assertThat(SiteAggregator.callbacks(days, today.minusDays(29), noCallbacks))
                .as("no score figures to agree with: the days'").isEqualTo(new SiteSnapshot.Callbacks(4, 1, 10));
        assertThat(SiteAggregator.callbacks(days, today.minusDays(29), null)).isEqualTo(new SiteSnapshot.Callbacks(4,
                1, 10));
    }
}
