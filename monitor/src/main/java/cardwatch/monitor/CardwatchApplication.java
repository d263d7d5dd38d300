package cardwatch.monitor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Cardwatch monitor service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CardwatchApplication {

    public static void main(String[] args) {
        SpringApplication.run(CardwatchApplication.class, args);
    }
}
