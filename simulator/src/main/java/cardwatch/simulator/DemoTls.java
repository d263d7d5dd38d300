package cardwatch.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The simulated platforms' own TLS certificate: self-signed for localhost and 127.0.0.1, for the simulator only
 * (its key is public). A client trusts it explicitly, by adding this store to its trust; never by switching
 * checks off.
 */
public final class DemoTls {

    public static final String PASSWORD = "cardwatch-demo";
    private static final String RESOURCE = "/cardwatch/simulator/tls/demo-tls.p12";
    private static volatile Path extracted;

    private DemoTls() {
    }

    /** The PKCS12 store with the certificate and its key, as a file (WireMock and trust stores want one). */
    public static synchronized Path keystore() {
        if (extracted != null && Files.exists(extracted)) {
            return extracted;
        }
        try (InputStream in = DemoTls.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the simulator jar");
            }
            Path file = Files.createTempFile("cardwatch-demo-tls", ".p12");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            extracted = file;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
