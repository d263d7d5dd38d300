package cardwatch.monitor.scheduling;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.monitor.system.CardwatchProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class ClusterGuardTest {

    private static CardwatchProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("cardwatch",
                CardwatchProperties.class);
    }

    @Test
    void theClusterProfileOnTheEmbeddedDatabaseStopsTheStartSayingWhy() {
        DriverManagerDataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:cluster-guard", "sa", "");
        assertThatThrownBy(() -> new ClusterGuard(h2, properties(Map.of("cardwatch.platforms-file", "p.yml")))
                .afterPropertiesSet())
                .hasMessageContaining("the cluster profile needs PostgreSQL")
                .hasMessageContaining("points at H2")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void theClusterProfileWithoutAPlatformsFileStopsTheStartSayingWhy() {
        DriverManagerDataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:cluster-guard", "sa", "");
        assertThatThrownBy(() -> new ClusterGuard(h2, properties(Map.of())).afterPropertiesSet())
                .hasMessageContaining("the cluster profile needs cardwatch.platforms-file, the same file on every"
                        + " instance");
    }
}
