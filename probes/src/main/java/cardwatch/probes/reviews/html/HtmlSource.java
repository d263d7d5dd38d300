package cardwatch.probes.reviews.html;

import cardwatch.probes.reviews.Complaint;
import cardwatch.probes.reviews.ComplaintSource;
import cardwatch.probes.reviews.PoliteFetcher;

import cardwatch.probes.http.TransportException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Complaints scraped from HTML pages (forums, review sites, a platform's feedback page) with CSS selectors from the
 * configuration: the item, and within it the title, body, time, author and link; and the next page's link. Only
 * text is kept. A next link that loops or never ends stops at the page cap.
 *
 * @param name      the source's name
 * @param start     the first page
 * @param selectors item, title, body, time, author, link and next
 */
public record HtmlSource(String name, URI start, Selectors selectors) implements ComplaintSource {

    /** Where things are on the pages; any but {@code item} may be null. */
    public record Selectors(String item, String title, String body, String time, String author, String link,
            String next) {
    }

    @Override
    public List<Complaint> crawl(PoliteFetcher fetcher, Predicate<Complaint> seen, int maxPages)
            throws PoliteFetcher.Refused, TransportException, InterruptedException {
        List<Complaint> found = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        Set<URI> visited = new HashSet<>();
        URI page = start;
        for (int n = 0; n < maxPages && page != null && visited.add(page); n++) {
            PoliteFetcher.Page answer = fetcher.get(page);
            if (answer.status() != 200) {
                throw new PoliteFetcher.Refused(name + ": HTTP " + answer.status() + " at " + page);
            }
            Document document = Jsoup.parse(answer.text(), page.toString());
            for (Element item : document.select(selectors.item())) {
                String link = attr(item, selectors.link());
                Complaint complaint = new Complaint(name, link, text(item, selectors.title()),
                        text(item, selectors.body()), text(item, selectors.author()), text(item, selectors.time()),
                        link, "");
                if (seen.test(complaint)) {
                    return found;
                }
                if (keys.add(complaint.key())) {
                    found.add(complaint);
                }
            }
            String next = attr(document, selectors.next());
            page = next == null || next.isBlank() ? null : URI.create(next);
        }
        return found;
    }

    private static String text(Element scope, String selector) {
        if (selector == null) {
            return "";
        }
        Element found = scope.selectFirst(selector);
        return found == null ? "" : found.text().strip();
    }

    private static String attr(Element scope, String selector) {
        if (selector == null) {
            return null;
        }
        Element found = scope.selectFirst(selector);
        return found == null ? null : found.absUrl("href").isEmpty() ? null : found.absUrl("href");
    }
}
