package cardwatch.probes.icp;

import java.net.URI;
import java.util.List;

/**
 * What the ICP probe checks on a platform.
 *
 * @param pages     pages whose footers are read, the home page first
 * @param domain    the domain looked up in the registry
 * @param registry  where filings are looked up
 */
public record IcpSpec(List<URI> pages, String domain, IcpRegistry registry) {

    /** The key of a platform's ICP settings in {@code PlatformSettings.options()}. */
    public static final String OPTION = "icp";

    public IcpSpec {
        pages = List.copyOf(pages);
    }
}
