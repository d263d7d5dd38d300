package cardwatch.monitor.site;

import cardwatch.monitor.incident.IncidentRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code GET /methodology}: how the score works, from the same text the API serves; {@code GET /incidents}: current
 * and past incidents of every platform.
 */
@Controller
class InfoPagesController {

    static final int INCIDENTS = 200;

    private final SitePages pages;
    private final SiteAggregator aggregator;
    private final IncidentRepository incidents;
    private final Map<String, String> method = new HashMap<>();

    InfoPagesController(SitePages pages, SiteAggregator aggregator, IncidentRepository incidents) {
        this.pages = pages;
        this.aggregator = aggregator;
        this.incidents = incidents;
        String text;
        try (InputStream in = InfoPagesController.class.getResourceAsStream("/score-method.md")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int english = text.indexOf("\n# How the trust score");
        List<org.commonmark.Extension> extensions = List.of(TablesExtension.create());
        Parser parser = Parser.builder().extensions(extensions).build();
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(extensions).escapeHtml(true).build();
        method.put("zh", renderer.render(parser.parse(text.substring(0, english))));
        method.put("en", renderer.render(parser.parse(text.substring(english + 1))));
    }

    @GetMapping(path = "/methodology", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> methodology(HttpServletRequest request, HttpServletResponse response) {
        Locale locale = pages.locale(request);
        return PlatformPageController.html(HttpStatus.OK, pages.render("site/methodology", request, response, locale,
                Map.of("method", method.get(locale.getLanguage().equals("en") ? "en" : "zh"))));
    }

    @GetMapping(path = "/incidents", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> incidents(HttpServletRequest request, HttpServletResponse response) {
        Locale locale = pages.locale(request);
        List<IncidentRepository.Incident> all = incidents.find(null, null, INCIDENTS);
        SiteSnapshot snapshot = aggregator.snapshot();
        return PlatformPageController.html(HttpStatus.OK, pages.render("site/incidents", request, response, locale,
                Map.of("open", all.stream().filter(i -> i.state().equals("open")).toList(),
                        "past", all.stream().filter(i -> !i.state().equals("open")).toList(), "snapshot", snapshot)));
    }
}
