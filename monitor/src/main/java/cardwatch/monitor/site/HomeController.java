package cardwatch.monitor.site;

import cardwatch.monitor.platform.Domains;
import cardwatch.monitor.system.CardwatchProperties;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.WebRequest;

/**
 * {@code GET /}: the ranking of all platforms, searchable, filterable and sortable by query parameters (no
 * JavaScript). Rendered from the {@link SiteSnapshot}; the HTML of each (snapshot, language, query) is kept as UTF-8
 * bytes and gzipped, so a repeated request is a cache lookup and a copy, and a client that has it gets 304 by ETag
 * or Last-Modified.
 */
@Controller
class HomeController {

    static final Set<String> SORTS = Set.of("score", "success24h", "success7d", "success30d", "delivery", "complaints",
            "name");
    static final Set<String> GRADES = Set.of("A", "B", "C", "D", "F", "?");

    /** What the reader asked for, cleaned: unknown values fall back to the defaults. */
    record Query(String q, String grade, boolean incident, String sort, int page) {

        static Query of(String q, String grade, String incident, String sort, Integer page) {
            String search = q == null ? "" : q.strip();
            return new Query(search.length() > 100 ? search.substring(0, 100) : search,
                    grade != null && GRADES.contains(grade) ? grade : "", "open".equals(incident),
                    sort != null && SORTS.contains(sort) ? sort : "score", page == null || page < 1 ? 1 : page);
        }

        /** The domain the reader typed or pasted (a URL's host without www.), or null when the search is none. */
        public String domain() {
            return Domains.fromInput(q);
        }

        /**
         * A domain or pasted URL finds the platform with that domain, or whose domain it is a subdomain of
         * (m.shop.example finds shop.example's platform), and no other: a look-alike domain must not find a platform
         * it is not. Anything else is looked for in the id, both names and the domains.
         */
        boolean matches(SiteSnapshot.Row row) {
            String needle = q.toLowerCase(Locale.ROOT);
            String domain = domain();
            boolean found = needle.isEmpty() || (domain != null
                    ? row.domains().stream().anyMatch(own -> Domains.within(domain, own))
                    : row.id().toLowerCase(Locale.ROOT).contains(needle)
                            || row.nameZh().toLowerCase(Locale.ROOT).contains(needle)
                            || (row.nameEn() != null && row.nameEn().toLowerCase(Locale.ROOT).contains(needle))
                            || row.domains().stream().anyMatch(own -> own.contains(needle)));
            return found && (grade.isEmpty() || grade.equals(row.grade())) && (!incident || row.incident() != null);
        }
    }

    record Key(long version, String lang, Query query) {
    }

    /** A rendered page, as UTF-8 bytes and gzipped once, so neither is redone per request. */
    record Page(byte[] plain, byte[] gzip) {

        static Page of(String html) {
            byte[] plain = html.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length / 4);
            try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
                gzip.write(plain);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Page(plain, out.toByteArray());
        }
    }

    private final SiteAggregator aggregator;
    private final SitePages pages;
    private final int pageSize;
    private final String watchRequests;
    private final Cache<Key, Page> html = Caffeine.newBuilder().maximumSize(500).build();

    HomeController(SiteAggregator aggregator, SitePages pages, CardwatchProperties properties) {
        this.aggregator = aggregator;
        this.pages = pages;
        this.pageSize = properties.site().pageSize();
        this.watchRequests = properties.site().watchRequests();
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<byte[]> home(@RequestParam(name = "q", required = false) String q,
            @RequestParam(name = "grade", required = false) String grade,
            @RequestParam(name = "incident", required = false) String incident,
            @RequestParam(name = "sort", required = false) String sort,
            @RequestParam(name = "page", required = false) Integer page, HttpServletRequest request,
            HttpServletResponse response, WebRequest web) {
        Locale locale = pages.locale(request);
        SiteSnapshot snapshot = aggregator.snapshot();
        Query query = Query.of(q, grade, incident, sort, page);
        Key key = new Key(snapshot.version(), locale.getLanguage(), query);
        String accept = request.getHeader(HttpHeaders.ACCEPT_ENCODING);
        boolean gzip = accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
        String etag = "\"home-" + Long.toHexString(snapshot.version()) + "-" + locale.getLanguage() + "-"
                + Integer.toHexString(query.hashCode()) + (gzip ? "-gz" : "") + "\"";
        if (web.checkNotModified(etag, snapshot.changedAt().toEpochMilli())) {
            return null;
        }
        Page rendered = html.get(key, k -> Page.of(pages.render("site/home", request, response, locale,
                model(snapshot, query, locale))));
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.VARY, "Accept-Language, Accept-Encoding");
        return gzip ? ok.header(HttpHeaders.CONTENT_ENCODING, "gzip").body(rendered.gzip()) : ok.body(rendered.plain());
    }

    private Map<String, Object> model(SiteSnapshot snapshot, Query query, Locale locale) {
        List<SiteSnapshot.Row> rows = new ArrayList<>(snapshot.rows().stream().filter(query::matches).toList());
        rows.sort(order(query.sort()));
        int pageCount = Math.max(1, (rows.size() + pageSize - 1) / pageSize);
        int page = Math.min(query.page(), pageCount);
        int from = (page - 1) * pageSize;
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("rows", rows.subList(Math.min(from, rows.size()), Math.min(from + pageSize, rows.size())));
        model.put("firstRank", from + 1);
        model.put("total", rows.size());
        model.put("all", snapshot.rows().size());
        model.put("query", query);
        model.put("page", page);
        model.put("pageCount", pageCount);
        model.put("ready", aggregator.ready());
        model.put("updated", snapshot.changedAt());
        model.put("sorts", List.of("score", "success24h", "success7d", "success30d", "delivery", "complaints", "name"));
        model.put("grades", List.of("A", "B", "C", "D", "F", "?"));
        model.put("openIncidents", snapshot.rows().stream().filter(r -> r.incident() != null).count());
        model.put("watchRequests", watchRequests);
        return model;
    }

    /** The ranking order (score) is the snapshot's; the others sort by their column, ties in ranking order. */
    static Comparator<SiteSnapshot.Row> order(String sort) {
        return switch (sort) {
            case "success24h" -> byRatio(row -> row.success24h().value());
            case "success7d" -> byRatio(row -> row.success7d().value());
            case "success30d" -> byRatio(row -> row.success30d().value());
            case "delivery" -> Comparator.comparing(SiteSnapshot.Row::deliveryMedianSeconds,
                    Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(SiteAggregator.RANKING);
            case "complaints" -> Comparator.comparingLong(SiteSnapshot.Row::complaints30d)
                    .thenComparing(SiteAggregator.RANKING);
            case "name" -> Comparator.comparing(SiteSnapshot.Row::id);
            default -> SiteAggregator.RANKING;
        };
    }

    private static Comparator<SiteSnapshot.Row> byRatio(Function<SiteSnapshot.Row, Double> ratio) {
        return Comparator.comparing(ratio, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(SiteAggregator.RANKING);
    }
}
