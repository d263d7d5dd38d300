package cardwatch.monitor.budget;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.system.CardwatchProperties;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs racing for the last yuan: whatever the database, exactly as many reservations succeed as fit under the
 * cap. Each database supplies a fresh, migrated data source.
 */
abstract class BudgetRaceContract {

    private static final int RACERS = 16;

    abstract DataSource freshDatabase();

    private BudgetService budgets(DataSource db, String globalCap) {
        Flyway.configure().dataSource(db).load().migrate();
        CardwatchProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "cardwatch.platforms-file", "platforms.yml", "cardwatch.budget.daily-global", globalCap)))
                .bindOrCreate("cardwatch", CardwatchProperties.class);
        return new BudgetService(JdbcClient.create(db), new TransactionTemplate(new DataSourceTransactionManager(db)),
                properties, Clock.systemUTC());
    }

    private static Platform platform(String id, String daily) {
        return new Platform(id, id, id, java.net.URI.create("http://127.0.0.1/"), "yrapi", "1", Map.of(), null,
                Map.of(), new BigDecimal(daily));
    }

    private static List<String> race(List<Callable<String>> racers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(racers.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Callable<String> racer : racers) {
                results.add(pool.submit(() -> {
                    start.await();
                    return racer.call();
                }));
            }
            start.countDown();
            List<String> answers = new ArrayList<>();
            for (Future<String> result : results) {
                answers.add(result.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void racersForOnePlatformsLastYuanGetExactlyWhatFits() throws Exception {
        BudgetService budgets = budgets(freshDatabase(), "100.00");
        Platform shop = platform("shop", "2.00");
        LocalDate day = LocalDate.of(2026, 11, 26);
        List<Callable<String>> racers = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            racers.add(() -> budgets.reserve(shop, day, new BigDecimal("0.60")));
        }

        List<String> answers = race(racers);

        assertThat(answers.stream().filter(a -> a == null).count()).isEqualTo(3);
        assertThat(answers.stream().filter(a -> a != null)).hasSize(RACERS - 3)
                .allSatisfy(a -> assertThat(a).contains("daily budget of 2.00 yuan for platform shop"));
    }

    @Test
    void theGlobalCapHoldsAcrossPlatformsAndARefusalTakesNothing() throws Exception {
        BudgetService budgets = budgets(freshDatabase(), "1.00");
        LocalDate day = LocalDate.of(2026, 11, 26);
        List<Callable<String>> racers = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            Platform platform = platform("shop-" + (i % 4), "10.00");
            racers.add(() -> budgets.reserve(platform, day, new BigDecimal("0.30")));
        }

        List<String> answers = race(racers);

        assertThat(answers.stream().filter(a -> a == null).count()).isEqualTo(3);
        assertThat(answers.stream().filter(a -> a != null))
                .allSatisfy(a -> assertThat(a).contains("global daily budget of 1.00 yuan"));
        BigDecimal platformsTotal = BigDecimal.ZERO;
        for (int i = 0; i < 4; i++) {
            platformsTotal = platformsTotal.add(budgets.used(BudgetService.scope("shop-" + i), day));
        }
        assertThat(budgets.used(BudgetService.GLOBAL, day)).isEqualByComparingTo("0.90");
        assertThat(platformsTotal).as("a global refusal rolls the platform's share back").isEqualByComparingTo("0.90");
    }

    @Test
    void settlingMovesBothScopes() {
        BudgetService budgets = budgets(freshDatabase(), "5.00");
        Platform shop = platform("shop", "2.00");
        LocalDate day = LocalDate.of(2026, 11, 26);

        assertThat(budgets.reserve(shop, day, new BigDecimal("1.00"))).isNull();
        budgets.adjust("shop", day, new BigDecimal("-0.02"));

        assertThat(budgets.used(BudgetService.scope("shop"), day)).isEqualByComparingTo("0.98");
        assertThat(budgets.used(BudgetService.GLOBAL, day)).isEqualByComparingTo("0.98");
    }
}
