package cardwatch.monitor.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The promtool unit tests pin every threshold, guard and exclusion of the shipped rules: each mutant of the rules
 * (a numeric literal doubled or halved, a label matcher dropped: {@link RuleMutants}) fails at least one of them.
 */
class AlertRuleMutantsIT {

    @Test
    void everyMutantOfTheRulesFailsTheirUnitTests() throws Exception {
        Path alerts = Path.of("..", "alerts").toAbsolutePath().normalize();
        RuleMutants.Report report = RuleMutants.run(alerts, "/usr/bin/promtool",
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        assertThat(report.mutants()).as("mutants made of the rules").isGreaterThan(150);
        assertThat(report.survivors()).as("mutants no unit test fails: a threshold, guard or exclusion the tests do "
                + "not pin down").isEmpty();
    }
}
