package cardwatch.monitor.budget;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.system.CardwatchProperties;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Daily budgets, per platform and global, enforced in the database: a reservation is one conditional UPDATE per
 * scope in one transaction, so two runs racing for the last yuan cannot both get it, in one process or many.
 * A run reserves its price cap before it submits; when it ends the reservation becomes what was really charged.
 * Refunds do not give budget back: a day's budget caps what may leave, not what stays away.
 */
@Service
public class BudgetService {

    public static final String GLOBAL = "global";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final BigDecimal globalCap;
    private final ZoneId zone;
    private final Clock clock;
    private final LoadingCache<LocalDate, Map<String, BigDecimal>> usage;

    public BudgetService(JdbcClient jdbc, TransactionTemplate transactions, CardwatchProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.globalCap = properties.globalDailyBudget();
        this.zone = ZoneId.of(properties.schedule().timeZone());
        this.clock = clock;
        this.usage = Caffeine.newBuilder().maximumSize(4).expireAfterWrite(Duration.ofSeconds(5)).build(this::load);
    }

    /** The budget day an instant falls in. */
    public LocalDate day(Instant at) {
        return at.atZone(zone).toLocalDate();
    }

    /**
     * Reserves {@code amount} for {@code platform} on {@code day}, within both its own cap and the global cap.
     *
     * @return null when reserved, otherwise why not (naming the cap that would be exceeded)
     */
    public String reserve(Platform platform, LocalDate day, BigDecimal amount) {
        String scope = scope(platform.id());
        ensureRow(scope, day);
        ensureRow(GLOBAL, day);
        String refusal = transactions.execute(status -> {
            if (!take(scope, day, amount, platform.dailyBudget())) {
                status.setRollbackOnly();
                return "the daily budget of " + yuan(platform.dailyBudget()) + " yuan for platform "
                        + platform.id() + " would be exceeded (" + yuan(used(scope, day)) + " used, "
                        + yuan(amount) + " needed)";
            }
            if (!take(GLOBAL, day, amount, globalCap)) {
                status.setRollbackOnly();
                return "the global daily budget of " + yuan(globalCap) + " yuan would be exceeded ("
                        + yuan(used(GLOBAL, day)) + " used, " + yuan(amount) + " needed)";
            }
            return null;
        });
        usage.invalidate(day);
        return refusal;
    }

    /** Moves a platform's usage on {@code day} by {@code delta}: a reservation settled or released. */
    public void adjust(String platform, LocalDate day, BigDecimal delta) {
        if (delta.signum() == 0) {
            return;
        }
        ensureRow(scope(platform), day);
        ensureRow(GLOBAL, day);
        transactions.executeWithoutResult(status -> {
            jdbc.sql("update budget_usage set amount = amount + ? where scope = ? and budget_day = ?")
                    .params(delta, scope(platform), day).update();
            jdbc.sql("update budget_usage set amount = amount + ? where scope = ? and budget_day = ?")
                    .params(delta, GLOBAL, day).update();
        });
        usage.invalidate(day);
    }

    /** What is left today for a platform. */
    public BigDecimal remaining(Platform platform) {
        LocalDate today = day(clock.instant());
        BigDecimal used = usage.get(today).getOrDefault(scope(platform.id()), BigDecimal.ZERO);
        return platform.dailyBudget().subtract(used).max(BigDecimal.ZERO);
    }

    /** Today's usage by scope ({@code platform:<id>} and the global one). */
    Map<String, BigDecimal> usageToday() {
        return usage.get(day(clock.instant()));
    }

    /** What is left today for all platforms together. */
    public BigDecimal globalRemaining() {
        LocalDate today = day(clock.instant());
        return globalCap.subtract(usage.get(today).getOrDefault(GLOBAL, BigDecimal.ZERO)).max(BigDecimal.ZERO);
    }

    public BigDecimal globalCap() {
        return globalCap;
    }

    /** Today's usage per platform id (platforms without usage are absent). */
    public BigDecimal usedToday(Platform platform) {
        return usage.get(day(clock.instant())).getOrDefault(scope(platform.id()), BigDecimal.ZERO);
    }

    public BigDecimal globalUsedToday() {
        return usage.get(day(clock.instant())).getOrDefault(GLOBAL, BigDecimal.ZERO);
    }

    private boolean take(String scope, LocalDate day, BigDecimal amount, BigDecimal cap) {
        return jdbc.sql("update budget_usage set amount = amount + ? where scope = ? and budget_day = ? and amount + ? <= ?")
                .params(amount, scope, day, amount, cap).update() == 1;
    }

    BigDecimal used(String scope, LocalDate day) {
        return jdbc.sql("select amount from budget_usage where scope = ? and budget_day = ?").params(scope, day)
                .query(BigDecimal.class).optional().orElse(BigDecimal.ZERO);
    }

    /** Creates the day's row outside any transaction: a lost race is a duplicate key, which is fine. */
    private void ensureRow(String scope, LocalDate day) {
        if (jdbc.sql("select count(*) from budget_usage where scope = ? and budget_day = ?").params(scope, day)
                .query(Long.class).single() > 0) {
            return;
        }
        try {
            jdbc.sql("insert into budget_usage (scope, budget_day, amount) values (?, ?, 0)").params(scope, day).update();
        } catch (DuplicateKeyException e) {
            // another run created it first
        }
    }

    private Map<String, BigDecimal> load(LocalDate day) {
        return jdbc.sql("select scope, amount from budget_usage where budget_day = ?").params(day)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getBigDecimal(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static String scope(String platform) {
        return "platform:" + platform;
    }

    static String yuan(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
