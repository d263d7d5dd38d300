package cardwatch.probes.reviews;

import cardwatch.probes.http.TransportException;
import java.util.List;
import java.util.function.Predicate;

/** Where complaints come from: one implementation per kind of source. */
public interface ComplaintSource {

    String name();

    /**
     * Reads the newest complaints first, at most {@code maxPages} pages, stopping at the first complaint already
     * stored unchanged (incremental crawling; an edited one is read again), each complaint once.
     *
     * @param seen  whether a complaint is stored already, with the same content
     */
    List<Complaint> crawl(PoliteFetcher fetcher, Predicate<Complaint> seen, int maxPages)
            throws PoliteFetcher.Refused, TransportException, InterruptedException;

    /** Plain text of a fragment of HTML: tags, scripts, styles and frames do not survive. */
    static String text(String html) {
        return org.jsoup.Jsoup.parse(html == null ? "" : html).text().strip();
    }
}
