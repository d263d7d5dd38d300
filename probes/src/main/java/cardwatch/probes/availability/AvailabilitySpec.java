package cardwatch.probes.availability;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * What the availability probe checks on a platform.
 *
 * @param urls     the storefront first, then API endpoints
 * @param keyword  text the storefront must show (null: not checked)
 * @param absent   text it must not show, e.g. 维护中 (null: not checked)
 * @param domains  hosts that redirects may lead to: the platform's own; any other is never followed
 */
public record AvailabilitySpec(List<URI> urls, String keyword, String absent, Set<String> domains) {

    /** The key of a platform's availability settings in {@code PlatformSettings.options()}. */
    public static final String OPTION = "availability";

    public AvailabilitySpec {
        urls = List.copyOf(urls);
        domains = Set.copyOf(domains);
    }
}
