package cardwatch.monitor.demo;

import cardwatch.monitor.system.CardwatchProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the simulated platforms when no platforms file is configured. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${cardwatch.platforms-file:}'.isBlank()")
class DemoConfiguration {

    @Bean(destroyMethod = "close")
    DemoFleet demoFleet(CardwatchProperties properties) {
        return new DemoFleet(properties.demo());
    }
}
