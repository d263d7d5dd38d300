package db.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuartzTablesTest {

    @Test
    void theMigrationTakesEveryCreateOfTheLibrarysOwnScriptAndNothingElse() throws Exception {
        String script;
        try (InputStream in = V16__Quartz_tables.class.getResourceAsStream(V16__Quartz_tables.SCRIPT)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = V16__Quartz_tables.statements(script);
        assertThat(statements.stream().filter(s -> s.startsWith("CREATE TABLE"))).hasSize(11);
        assertThat(statements).anyMatch(s -> s.startsWith("CREATE TABLE QRTZ_SCHEDULER_STATE"))
                .anyMatch(s -> s.startsWith("CREATE TABLE QRTZ_LOCKS"))
                .anyMatch(s -> s.startsWith("CREATE INDEX IDX_QRTZ_T_NEXT_FIRE_TIME"))
                .noneMatch(s -> s.contains("DROP") || s.contains("COMMIT") || s.contains("--"));
        long creates = script.lines().filter(l -> l.strip().toUpperCase().startsWith("CREATE ")).count();
        assertThat(statements).hasSize((int) creates);
    }
}
