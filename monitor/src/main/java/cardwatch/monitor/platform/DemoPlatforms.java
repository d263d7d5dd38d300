package cardwatch.monitor.platform;

import java.util.List;

/**
 * Platforms that the service provides itself when no platforms file is given: the demo's simulated ones. They
 * pass the same validation as a file.
 */
public interface DemoPlatforms {

    /** How errors name this source, in place of a file name. */
    String source();

    /** The entries, with any secrets they reference registered in {@code secrets}. */
    List<PlatformEntry> entries(SecretResolver secrets);

    /** A PKCS12 store of certificates the demo's HTTPS platforms use, to be trusted explicitly. */
    java.nio.file.Path trustStore();

    String trustStorePassword();

    /** The ICP registry the demo's platforms are looked up in (a simulated one). */
    cardwatch.probes.icp.IcpRegistry icpRegistry();
}
