package cardwatch.monitor.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The alerts' runbook ({@code alerts/runbook.md}, copied in at build time) as HTML at {@code /runbook}: every
 * heading has the id its alert's {@code runbook_url} points at (CardwatchProbeStale → #cardwatchprobestale). Raw
 * HTML in the file is escaped, not rendered.
 */
@RestController
class RunbookController {

    static final String RESOURCE = "/cardwatch/runbook/runbook.md";

    private final String html;

    RunbookController() {
        String markdown;
        try (InputStream in = RunbookController.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the runbook is missing from the build: " + RESOURCE);
            }
            markdown = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var extensions = List.of(HeadingAnchorExtension.create());
        String body = HtmlRenderer.builder().extensions(extensions).escapeHtml(true).sanitizeUrls(true).build()
                .render(Parser.builder().extensions(extensions).build().parse(markdown));
        html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Cardwatch alerts runbook</title><link rel=\"stylesheet\" href=\"/site.css\"></head>"
                + "<body><main class=\"runbook\">\n" + body + "</main></body></html>\n";
    }

    @GetMapping("/runbook")
    ResponseEntity<String> runbook() {
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(10)).cachePublic()).body(html);
    }
}
