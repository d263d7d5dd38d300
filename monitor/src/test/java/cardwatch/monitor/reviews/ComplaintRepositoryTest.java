package cardwatch.monitor.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.probes.reviews.Complaint;
import cardwatch.probes.reviews.ComplaintClassifier;
import java.time.Clock;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** De-duplication, edits and status history in the real schema (H2 with the Flyway migrations). */
class ComplaintRepositoryTest {

    private static final ComplaintClassifier CLASSIFIER = ComplaintClassifier.standard();
    private ComplaintRepository repository;
    private final cardwatch.monitor.system.MutableClock clock = new cardwatch.monitor.system.MutableClock();

    private static cardwatch.monitor.system.CardwatchProperties properties() {
        return new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        java.util.Map.of())).bindOrCreate("cardwatch", cardwatch.monitor.system.CardwatchProperties.class);
    }

    @BeforeEach
    void start() {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:complaints-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(db).load().migrate();
        repository = new ComplaintRepository(JdbcClient.create(db), clock, properties());
    }

    private boolean save(Complaint c) {
        return repository.save("shop", c, CLASSIFIER.classify(c.title() + "\n" + c.body()));
    }

    @Test
    void aComplaintIsStoredOnceByItsIdAndAnEditKeepsItsHistory() {
        Complaint first = new Complaint("heimao", "1003", "到账慢", "等了两天才到账", "稳定卡盟", "1763601003", "u", "4");
        Complaint edited = new Complaint("heimao", "1003", "到账慢", "等了两天才到账，已解决", "稳定卡盟", "1763601003", "u",
                "7");

        assertThat(save(first)).isTrue();
        assertThat(repository.storedUnchanged("shop", first)).isTrue();
        assertThat(save(first)).as("seen again unchanged").isFalse();
        assertThat(repository.storedUnchanged("shop", edited)).isFalse();
        assertThat(save(edited)).isTrue();

        assertThat(repository.count("shop")).isEqualTo(1);
        var stored = repository.page("shop", 0, 10).get(0);
        assertThat(stored.body()).endsWith("已解决");
        assertThat(stored.resolution()).isEqualTo("resolved");
        assertThat(stored.categories()).containsExactly("slow_delivery");
        assertThat(repository.history(stored.id())).extracting(h -> h[0] + ": " + h[1] + " -> " + h[2])
                .containsExactly("edited: 等了两天才到账 -> 等了两天才到账，已解决", "resolution: open -> resolved");
    }

    @Test
    void withoutAnIdTheContentHashDeDuplicates() {
        Complaint a = new Complaint("reviews", null, "", "第1页：充值很久才到", "用户1", "2026-11-01", "", "");
        assertThat(save(a)).isTrue();
        assertThat(save(new Complaint("reviews", null, "", "第1页：充值很久才到", "用户1", "2026-11-01", "", ""))).isFalse();
        assertThat(repository.count("shop")).isEqualTo(1);
        assertThat(repository.unresolved("shop")).isEqualTo(1);
    }

    @Test
    void aBacklogFoundOnTheFirstCrawlCountsWhenItWasPublishedNotWhenItWasSeen() {
        java.time.Instant now = clock.instant();
        save(new Complaint("heimao", "old", "充值未到账", "两年前的投诉", "shop", "2024-11-23 10:00", "u", "4"));
        save(new Complaint("heimao", "new", "充值未到账", "刚发生", "shop", "3小时前", "u", "4"));
        save(new Complaint("heimao", "none", "充值未到账", "没有时间", "shop", "", "u", "4"));
        save(new Complaint("heimao", "future", "充值未到账", "时间在将来", "shop", "2099-01-01", "u", "4"));

        java.time.Instant monthAgo = now.minus(java.time.Duration.ofDays(30));
        assertThat(repository.countsSince(monthAgo)).containsEntry("shop", 3L);
        assertThat(repository.recentByCategory("shop", monthAgo)).containsEntry("recharge_failed", 3L);
        assertThat(repository.page("shop", 0, 10)).extracting(ComplaintRepository.Stored::itemKey)
                .as("newest published first; no time, or one in the future: the time it was seen")
                .startsWith("future", "none").endsWith("new", "old");
        // seen again a year later, the old one is still two years old
        clock.advance(java.time.Duration.ofDays(365));
        save(new Complaint("heimao", "old", "充值未到账", "两年前的投诉", "shop", "2024-11-23 10:00", "u", "7"));
        assertThat(repository.countsSince(clock.instant().minus(java.time.Duration.ofDays(30)))).doesNotContainKey(
                "shop");
    }
}
