package cardwatch.monitor;

import cardwatch.monitor.access.TokenCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Cardwatch monitor service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CardwatchApplication {

    public static void main(String[] args) {
        if (args.length > 0 && "token".equals(args[0])) {
            System.exit(TokenCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        SpringApplication.run(CardwatchApplication.class, args);
    }
}
