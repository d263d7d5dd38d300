package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The tables of Quartz's clustered JDBC job store, on PostgreSQL only (the embedded H2 database is one node and keeps
 * Quartz's triggers in memory). The DDL is the one the Quartz library in use ships for PostgreSQL, read from its jar,
 * so the tables always match its job store; its {@code DROP TABLE} and {@code COMMIT} lines are left out (Flyway runs
 * this once, in its own transaction).
 */
public class V16__Quartz_tables extends BaseJavaMigration {

    static final String SCRIPT = "/org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public void migrate(Context context) throws Exception {
        if (!context.getConnection().getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
            return;
        }
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements(script())) {
                statement.execute(sql);
            }
        }
    }

    /** The script's CREATE statements, comments and blank lines dropped. */
    static java.util.List<String> statements(String script) {
        StringBuilder kept = new StringBuilder();
        script.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("--"))
                .forEach(line -> kept.append(line).append('\n'));
        return java.util.Arrays.stream(kept.toString().split(";")).map(String::strip)
                .filter(sql -> sql.regionMatches(true, 0, "CREATE ", 0, 7)).toList();
    }

    private static String script() throws IOException {
        try (InputStream in = V16__Quartz_tables.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the Quartz library on the class path has no " + SCRIPT);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
