package cardwatch.monitor.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The demo's simulated platforms start with fresh balances every time, while ./data keeps the last run's: the old
 * balance readings are forgotten before anything reconciles against the new simulators, so a second demo start
 * does not report the reset as an unexplained balance change. Runs a previous demo left unfinished end as
 * interrupted (the new simulators have no such orders).
 */
@Component
@ConditionalOnExpression("'${cardwatch.platforms-file:}'.isBlank()")
class DemoMoneyReset {

    private static final Logger log = LoggerFactory.getLogger(DemoMoneyReset.class);
    private final JdbcClient jdbc;

    DemoMoneyReset(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(-1)
    void forgetLastRunsBalances() {
        int forgotten = jdbc.sql("delete from balance_snapshot").update();
        if (forgotten > 0) {
            log.info("demo: forgot {} balance readings of a previous demo run (the simulators start afresh)",
                    forgotten);
        }
    }
}
