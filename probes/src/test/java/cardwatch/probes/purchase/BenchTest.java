package cardwatch.probes.purchase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Probe tests share one bench per class: an HTTP client and a real callback endpoint. */
abstract class BenchTest {

    static ProbeBench bench;

    @BeforeAll
    static void startBench() throws Exception {
        bench = new ProbeBench();
    }

    @AfterAll
    static void stopBench() {
        bench.close();
    }
}
