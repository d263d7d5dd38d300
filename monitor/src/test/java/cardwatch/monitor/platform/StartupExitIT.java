package cardwatch.monitor.platform;

import static org.assertj.core.api.Assertions.assertThat;

import cardwatch.monitor.CardwatchApplication;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real process, as an operator starts it: a bad platforms file makes it exit non-zero with the message. */
class StartupExitIT {

    @Test
    void theProcessExitsNonZeroNamingTheFileThePlatformAndTheField(@TempDir Path work) throws Exception {
        Path file = Path.of("src/test/resources/config/unset-credential.yml").toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CardwatchApplication.class.getName(), "--cardwatch.platforms-file=" + file, "--server.port=0"))
                .directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains(file + ": platform 'good-shop', field 'credentials.api-key': environment "
                + "variable CARDWATCH_TEST_UNSET_VARIABLE is not set");
        assertThat(work.resolve("data").toFile()).as("no database under the working directory").doesNotExist();
        assertThat(new File(work.toFile(), "data")).doesNotExist();
    }
}
