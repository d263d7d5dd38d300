package cardwatch.monitor.budget;

import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The budget race on the embedded default database. */
class BudgetRaceH2Test extends BudgetRaceContract {

    @Override
    DataSource freshDatabase() {
        return new DriverManagerDataSource("jdbc:h2:mem:budget-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }
}
