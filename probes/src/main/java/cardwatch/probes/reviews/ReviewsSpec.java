package cardwatch.probes.reviews;

import java.util.List;

/**
 * What the reviews probe reads for a platform.
 *
 * @param sources   the complaint sources
 * @param maxPages  pages per source per run at the most
 * @param fetcher   the polite fetcher, shared by every run so its spacing and robots.txt cache hold
 * @param store     where complaints are kept
 */
public record ReviewsSpec(List<ComplaintSource> sources, int maxPages, PoliteFetcher fetcher, ComplaintStore store) {

    /** The key of a platform's review settings in {@code PlatformSettings.options()}. */
    public static final String OPTION = "reviews";

    public ReviewsSpec {
        sources = List.copyOf(sources);
    }
}
