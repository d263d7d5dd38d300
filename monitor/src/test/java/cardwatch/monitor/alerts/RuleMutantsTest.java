package cardwatch.monitor.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleMutantsTest {

    private static final String RULES = """
            groups:
              - name: g
                rules:
                  - alert: Failing
                    # two failures, 1.5 a minute
                    expr: |
                      sum without (instance) (increase(runs_total{probe="purchase", reason!="maintenance"}[1h])) >= 2
                      and on (job) up{job="cardwatch"} == 0
                    for: 5m
                    labels:
                      severity: warning
                    annotations:
                      description: '{{ printf "%.0f" $value }} in 1h'
                  - alert: Watchdog
                    expr: vector(1)
                  - record: slo
                    expr: vector(0.99)
            """;

    @Test
    void numbersAreDoubledAndHalvedAndMatchersDroppedInExpressionsOnly() {
        List<RuleMutants.Mutant> mutants = RuleMutants.of("r.yaml", RULES);
        assertThat(mutants).extracting(m -> m.rule() + " " + m.what()).containsExactlyInAnyOrder(
                "Failing 2 -> 4", "Failing 2 -> 1",
                "Failing drop probe=\"purchase\"", "Failing drop reason!=\"maintenance\"",
                "Failing 0 -> 1", "Failing 0 -> -1",
                "Failing drop job=\"cardwatch\"",
                "slo 0.99 -> 1.98", "slo 0.99 -> 0.495");
        RuleMutants.Mutant dropped = mutants.stream().filter(m -> m.what().equals("drop job=\"cardwatch\""))
                .findFirst().orElseThrow();
        assertThat(dropped.text()).contains("and on (job) up == 0").doesNotContain("up{");
        RuleMutants.Mutant halved = mutants.stream().filter(m -> m.what().equals("2 -> 1")).findFirst()
                .orElseThrow();
        assertThat(halved.text()).contains("[1h])) >= 1\n").contains("for: 5m").contains("printf \"%.0f\"");
        assertThat(halved.line()).isEqualTo(7);
    }
}
