package cardwatch.monitor.scheduling;

import cardwatch.monitor.system.CardwatchProperties;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Under the {@code cluster} profile, stops the start unless the instances can share what they must: a PostgreSQL
 * database (Quartz's job store and the runs; the embedded H2 database is one process's own) and a platforms file
 * (the demo's simulated platforms live inside each instance, each its own).
 */
@Component
@Profile("cluster")
class ClusterGuard implements InitializingBean {

    private final DataSource dataSource;
    private final CardwatchProperties properties;

    ClusterGuard(DataSource dataSource, CardwatchProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() throws SQLException {
        if (properties.platformsFile().isBlank()) {
            throw new IllegalStateException("the cluster profile needs cardwatch.platforms-file, the same file on"
                    + " every instance: the demo's simulated platforms live inside each instance");
        }
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            if (!product.equals("PostgreSQL")) {
                throw new IllegalStateException("the cluster profile needs PostgreSQL, which every instance shares;"
                        + " spring.datasource.url points at " + product + ": set it to jdbc:postgresql://host/db");
            }
        }
    }
}
