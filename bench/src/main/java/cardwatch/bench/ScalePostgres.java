package cardwatch.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A PostgreSQL server for the scale benchmark: {@code ScalePostgres PORT DATA_DIR} starts one on PORT with its data in
 * DATA_DIR, prints {@code POSTGRES-READY jdbc:postgresql://...} and runs until killed.
 */
public final class ScalePostgres {

    private ScalePostgres() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(port).setDataDirectory(Path.of(args[1]))
                .setCleanDataDirectory(true).setServerConfig("max_connections", "50").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (java.io.IOException e) {
                // stopping anyway
            }
        }));
        System.out.println("POSTGRES-READY " + postgres.getJdbcUrl("postgres", "postgres"));
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
