package cardwatch.probes.reviews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cardwatch.probes.http.HttpLimits;
import cardwatch.probes.http.HttpTransport;
import cardwatch.probes.http.TransportException;
import cardwatch.probes.reviews.heimao.HeimaoSource;
import cardwatch.probes.reviews.html.HtmlSource;
import cardwatch.simulator.SimulatedReviewSites;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each crawling rule against the simulated complaint sources. */
class CrawlingTest {

    private static final HttpTransport HTTP = new HttpTransport(new HttpLimits(Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), 256 * 1024, 3));
    private SimulatedReviewSites sites;
    private PoliteFetcher fetcher;

    @BeforeEach
    void start() {
        sites = SimulatedReviewSites.start();
        fetcher = new PoliteFetcher(HTTP, new PoliteFetcher.Limits(Duration.ofMillis(150), 2, Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        sites.close();
    }

    private HeimaoSource heimao() {
        return new HeimaoSource(URI.create(sites.baseUrl()), "稳定卡盟", SimulatedReviewSites.SECRET);
    }

    private List<String> requested(String prefix) {
        return sites.seen().stream().map(SimulatedReviewSites.Seen::path).filter(p -> p.startsWith(prefix)).toList();
    }

    @Test
    void theComplaintApiIsSignedPagedDeDuplicatedAndBacksOffOn429() throws Exception {
        List<Complaint> found = heimao().crawl(fetcher, c -> false, 10);

        assertThat(found).extracting(Complaint::itemId).containsExactly("1001", "1002", "1003", "1004");
        assertThat(found.get(0).body()).isEqualTo("充值100元未到账，客服拒绝退款");
        assertThat(found.get(1).resolutionFromSource()).isEqualTo("replied");
        assertThat(requested("/api/complaints").stream().filter(p -> p.contains("page=2"))).as("429, then again")
                .hasSize(2);
    }

    @Test
    void nothingExecutableSurvives() throws Exception {
        Complaint hostile = heimao().crawl(fetcher, c -> false, 10).get(3);

        assertThat(hostile.title()).isEqualTo("客服不回复");
        assertThat(hostile.body()).isEqualTo("联系不上客服");
        assertThat(hostile.title() + hostile.body()).doesNotContain("<", "script", "onerror", "iframe", "alert");
    }

    @Test
    void anIncrementalCrawlStopsAtTheFirstComplaintStoredUnchanged() throws Exception {
        List<Complaint> first = heimao().crawl(fetcher, c -> false, 10);
        Set<String> stored = first.stream().map(c -> c.key() + c.contentHash()).collect(Collectors.toSet());
        int before = requested("/api/complaints").size();

        assertThat(heimao().crawl(fetcher, c -> stored.contains(c.key() + c.contentHash()), 10)).isEmpty();
        assertThat(requested("/api/complaints")).as("stopped on page 1").hasSize(before + 1);
    }

    @Test
    void anEditedComplaintIsNotSeenUnchangedSoAFullCrawlReadsItAgain() throws Exception {
        List<Complaint> first = heimao().crawl(fetcher, c -> false, 10);
        sites.edit();

        List<Complaint> again = heimao().crawl(fetcher, c -> false, 10);

        Complaint before = first.get(2);
        Complaint after = again.get(2);
        assertThat(after.key()).isEqualTo(before.key());
        assertThat(after.contentHash()).isNotEqualTo(before.contentHash());
        assertThat(after.body()).endsWith("已解决");
        assertThat(after.resolutionFromSource()).isEqualTo("resolved");
    }

    @Test
    void aGbkForumThatDeclaresNoCharsetIsReadPageByPage() throws Exception {
        HtmlSource forum = new HtmlSource("forum", URI.create(sites.baseUrl() + "forum/list?page=1"),
                new HtmlSource.Selectors(".post", ".t", ".c", ".d", ".u", "a.l", "a.next"));

        List<Complaint> found = forum.crawl(fetcher, c -> false, 10);

        assertThat(found).extracting(Complaint::title).containsExactly("话费没有到账", "重复扣款了", "卡盟跑路");
        assertThat(found.get(2).body()).isEqualTo("网站关了，充的钱拿不回来");
        assertThat(found.get(0).url()).isEqualTo(sites.baseUrl() + "forum/thread/11");
        assertThat(found.get(0).author()).isEqualTo("老王");
    }

    @Test
    void aNextLinkThatNeverEndsStopsAtThePageCap() throws Exception {
        HtmlSource endless = new HtmlSource("reviews", URI.create(sites.baseUrl() + "reviews/1"),
                new HtmlSource.Selectors("li.review", null, ".text", "time", ".who", null, "a[rel=next]"));

        List<Complaint> found = endless.crawl(fetcher, c -> false, 4);

        assertThat(found).hasSize(4);
        assertThat(found.get(0).itemId()).as("no id: the content hash identifies it").isNull();
        assertThat(found.get(0).key()).startsWith("sha256:");
        assertThat(requested("/reviews/")).hasSize(4);
    }

    @Test
    void robotsTxtIsHonoured() {
        HtmlSource forbidden = new HtmlSource("private", URI.create(sites.baseUrl() + "private/list"),
                new HtmlSource.Selectors(".post", ".t", null, null, null, null, null));

        assertThatThrownBy(() -> forbidden.crawl(fetcher, c -> false, 3)).isInstanceOf(PoliteFetcher.Refused.class)
                .hasMessageContaining("robots.txt");
        assertThat(requested("/private/")).isEmpty();
        assertThat(PoliteFetcher.parse("User-agent: Googlebot\nDisallow: /a\nUser-agent: *\nDisallow: /b # x\n"))
                .containsExactly("/b");
    }

    @Test
    void requestsToOneHostAreSpacedAndNameCardwatch() throws Exception {
        heimao().crawl(fetcher, c -> false, 10);
        List<SimulatedReviewSites.Seen> seen = sites.seen();

        // the fetcher spaces the requests it sends by 150 ms; the server sees them when its thread gets to them, so a
        // gap it sees may be short by one request's handling delay (a loaded machine: tens of milliseconds), never
        // by the spacing itself (unspaced, the gaps are a few milliseconds), and the whole run by one such delay
        assertThat(seen).hasSizeGreaterThan(3);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).nanos() - seen.get(i - 1).nanos()).as("spacing before request " + i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        }
        assertThat(seen.get(seen.size() - 1).nanos() - seen.get(0).nanos()).as("all the requests")
                .isGreaterThanOrEqualTo(Duration.ofMillis(150L * (seen.size() - 1) - 50).toNanos());
        assertThat(seen).allSatisfy(s -> assertThat(s.userAgent()).contains("Cardwatch").contains("+https://"));
    }

    @Test
    void aFiftyMegabytePageIsCutOffWithBoundedMemory() throws Exception {
        AtomicLong written = new AtomicLong();
        HttpServer huge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        huge.createContext("/robots.txt", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        // A thread per exchange: a handler still writing to a hung-up client must not hold up the next request.
        huge.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        huge.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 50L * 1024 * 1024);
            byte[] chunk = "<p>充值失败</p>".repeat(1000).getBytes();
            try (OutputStream out = exchange.getResponseBody()) {
                while (written.get() < 50L * 1024 * 1024) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the client hung up: what a capped read does
            }
        });
        huge.start();
        try {
            URI page = URI.create("http://127.0.0.1:" + huge.getAddress().getPort() + "/big");
            // Its own timeouts, generous: the size cap must decide, never a timeout.
            PoliteFetcher patient = new PoliteFetcher(new HttpTransport(new HttpLimits(Duration.ofSeconds(5),
                    Duration.ofSeconds(20), Duration.ofSeconds(40), 256 * 1024, 3)),
                    new PoliteFetcher.Limits(Duration.ofMillis(150), 2, Duration.ofSeconds(2)));
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> patient.get(page)).isInstanceOf(TransportException.class)
                    .hasMessageContaining("larger than");
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated reading a 50 MB page")
                    .isLessThan(16L * 1024 * 1024);
        } finally {
            huge.stop(0);
        }
    }
}
