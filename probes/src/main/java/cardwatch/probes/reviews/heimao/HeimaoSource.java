package cardwatch.probes.reviews.heimao;

import cardwatch.probes.reviews.Complaint;
import cardwatch.probes.reviews.ComplaintSource;
import cardwatch.probes.reviews.PoliteFetcher;

import cardwatch.probes.http.TransportException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A 黑猫投诉-shaped complaint API: searched by keyword, JSON answers whose items carry {@code main}: sn, title,
 * cotitle (投诉对象), appeal (投诉要求), summary, timestamp, url and status (3 待分配, 4 处理中, 6 已回复, 7 已完成).
 * Requests are signed: sha256 over the sorted ts, rs, secret and query values.
 */
public final class HeimaoSource implements ComplaintSource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String keyword;
    private final String secret;

    public HeimaoSource(URI base, String keyword, String secret) {
        this.base = base;
        this.keyword = keyword;
        this.secret = secret;
    }

    @Override
    public String name() {
        return "heimao";
    }

    @Override
    public List<Complaint> crawl(PoliteFetcher fetcher, Predicate<Complaint> seen, int maxPages)
            throws PoliteFetcher.Refused, TransportException, InterruptedException {
        List<Complaint> found = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (int page = 1; page <= maxPages; page++) {
            PoliteFetcher.Page answer = fetcher.get(url(page));
            JsonNode root = json(answer.text());
            JsonNode data = root == null ? null : root.path("result").path("data");
            if (data == null || answer.status() != 200) {
                throw new PoliteFetcher.Refused("heimao: HTTP " + answer.status() + " page " + page);
            }
            for (JsonNode item : data.path("lists")) {
                JsonNode main = item.path("main");
                Complaint complaint = new Complaint(name(), main.path("sn").asString(""),
                        ComplaintSource.text(main.path("title").asString("")),
                        ComplaintSource.text(main.path("summary").asString("")),
                        ComplaintSource.text(main.path("cotitle").asString("")),
                        main.path("timestamp").asString(""), main.path("url").asString(""),
                        main.path("status").asString(""));
                if (seen.test(complaint)) {
                    return found;
                }
                if (keys.add(complaint.key())) {
                    found.add(complaint);
                }
            }
            if (page >= data.path("pager").path("page_amount").asInt(page)) {
                break;
            }
        }
        return found;
    }

    private URI url(int page) {
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String rs = UUID.randomUUID().toString().substring(0, 8);
        String signature = sha256(Stream.of(ts, rs, secret, keyword, String.valueOf(page)).sorted()
                .collect(Collectors.joining()));
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text : text + "/") + "api/complaints?keyword="
                + URLEncoder.encode(keyword, StandardCharsets.UTF_8) + "&page=" + page + "&ts=" + ts + "&rs=" + rs
                + "&signature=" + signature);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }
}
