package cardwatch.monitor.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.monitor.CardwatchApplication;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A bad platforms file stops the start with its message, before the database or the web server start. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

    @Test
    void aBadFileStopsTheStartWithTheMessageAndNothingHalfStarted(@TempDir Path data, CapturedOutput output)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String file = "src/test/resources/config/price-above-cap.yml";

        assertThatThrownBy(() -> new SpringApplicationBuilder(CardwatchApplication.class).run(
                "--cardwatch.platforms-file=" + file,
                "--server.port=" + port,
                "--spring.datasource.url=jdbc:h2:file:" + data.resolve("cardwatch")))
                .hasRootCauseInstanceOf(PlatformConfigException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains(file + ": platform 'good-shop', field 'product.price-cap': 50.00 yuan is above the "
                        + "per-purchase cap of 10.00 yuan (cardwatch.purchase.max-price)")
                .doesNotContain("Tomcat started")
                .doesNotContain("Migrating schema");
        try (var files = Files.list(data)) {
            assertThat(files).as("no database was created").isEmpty();
        }
        try (ServerSocket socket = new ServerSocket(port)) {
            assertThat(socket.isBound()).as("the port was never taken").isTrue();
        }
    }
}
