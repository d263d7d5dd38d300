package cardwatch.monitor.site;

import cardwatch.monitor.incident.IncidentRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code GET /feed.atom}: the latest incidents as an Atom feed. {@code GET /badge/{platform}/grade.svg} and
 * {@code /badge/{platform}/success-7d.svg}: small SVG badges for platforms to show, with their text in
 * {@code <title>} for screen readers.
 */
@RestController
class FeedController {

    static final int ENTRIES = 50;
    static final MediaType ATOM = MediaType.parseMediaType("application/atom+xml;charset=UTF-8");
    static final MediaType SVG = MediaType.parseMediaType("image/svg+xml;charset=UTF-8");

    private final SiteAggregator aggregator;
    private final SitePages pages;
    private final IncidentRepository incidents;

    FeedController(SiteAggregator aggregator, SitePages pages, IncidentRepository incidents) {
        this.aggregator = aggregator;
        this.pages = pages;
        this.incidents = incidents;
    }

    @GetMapping("/feed.atom")
    ResponseEntity<String> feed(HttpServletRequest request) throws XMLStreamException {
        SiteFormat fmt = pages.format(pages.locale(request));
        String base = ServletUriComponentsBuilder.fromContextPath(request).build().toUriString();
        List<IncidentRepository.Incident> latest = incidents.find(null, null, ENTRIES);
        SiteSnapshot snapshot = aggregator.snapshot();
        StringWriter out = new StringWriter();
        XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeStartElement("feed");
        xml.writeDefaultNamespace("http://www.w3.org/2005/Atom");
        xml.writeAttribute("xml:lang", fmt.english() ? "en" : "zh-CN");
        element(xml, "id", base + "/feed.atom");
        element(xml, "title", fmt.msg("feed.title"));
        link(xml, base + "/feed.atom?lang=" + fmt.lang(), "self");
        link(xml, base + "/incidents?lang=" + fmt.lang(), "alternate");
        Instant updated = latest.stream().map(FeedController::changed).max(Instant::compareTo)
                .orElse(snapshot.changedAt());
        element(xml, "updated", updated.toString());
        xml.writeStartElement("author");
        element(xml, "name", "Cardwatch");
        xml.writeEndElement();
        for (IncidentRepository.Incident incident : latest) {
            String name = snapshot.row(incident.platform()).map(row -> row.name(fmt.english()))
                    .orElse(incident.platform());
            String state = fmt.msg("incident.state." + incident.state());
            xml.writeStartElement("entry");
            element(xml, "id", base + "/incidents#incident-" + incident.id());
            element(xml, "title", state + " · " + name + " · " + fmt.probe(incident.probe()) + " · "
                    + fmt.reason(incident.cause()));
            link(xml, base + "/platforms/" + incident.platform() + "?lang=" + fmt.lang(), "alternate");
            element(xml, "published", incident.openedAt().toString());
            element(xml, "updated", changed(incident).toString());
            xml.writeStartElement("content");
            xml.writeAttribute("type", "text");
            xml.writeCharacters(fmt.msg("feed.entry", name, fmt.probe(incident.probe()), fmt.reason(incident.cause()),
                    fmt.time(incident.openedAt()), incident.resolvedAt() == null ? "—" : fmt.time(incident.resolvedAt()),
                    incident.failures()));
            xml.writeEndElement();
            xml.writeEndElement();
        }
        xml.writeEndElement();
        xml.writeEndDocument();
        xml.close();
        return ResponseEntity.ok().contentType(ATOM).header("Vary", "Accept-Language").body(out.toString());
    }

    private static Instant changed(IncidentRepository.Incident incident) {
        return incident.resolvedAt() != null ? incident.resolvedAt() : incident.updatedAt();
    }

    private static void element(XMLStreamWriter xml, String name, String text) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(text);
        xml.writeEndElement();
    }

    private static void link(XMLStreamWriter xml, String href, String rel) throws XMLStreamException {
        xml.writeEmptyElement("link");
        xml.writeAttribute("rel", rel);
        xml.writeAttribute("href", href);
    }

    @GetMapping("/badge/{platform}/grade.svg")
    ResponseEntity<String> grade(@PathVariable("platform") String platform, HttpServletRequest request) {
        SiteFormat fmt = pages.format(pages.locale(request));
        return row(platform).map(row -> badge(fmt.msg("badge.grade"), row.score() == null ? fmt.grade("?")
                : row.grade() + " " + fmt.score(row.score()), colour(row.grade())))
                .orElseGet(() -> absent(platform, fmt.msg("badge.grade"), fmt));
    }

    @GetMapping("/badge/{platform}/success-7d.svg")
    ResponseEntity<String> success(@PathVariable("platform") String platform, HttpServletRequest request) {
        SiteFormat fmt = pages.format(pages.locale(request));
        return row(platform).map(row -> {
            Double value = row.success7d().value();
            String colour = value == null ? "#6b6b6b" : value >= 0.98 ? "#1a7f37" : value >= 0.9 ? "#9a6700" : "#cf222e";
            return badge(fmt.msg("badge.success7d"), fmt.percent(value), colour);
        }).orElseGet(() -> absent(platform, fmt.msg("badge.success7d"), fmt));
    }

    /**
     * The badge of a platform the figures do not hold: "computing" for one we watch whose figures are not in yet (an
     * image, so 200, and not kept by caches); "unknown" and 404 for any other id.
     */
    private ResponseEntity<String> absent(String platform, String label, SiteFormat fmt) {
        if (pages.watched(platform)) {
            return badge(label, fmt.msg("badge.computing"), "#6b6b6b", HttpStatus.OK, "no-store");
        }
        return badge(label, fmt.msg("badge.unknown"), "#6b6b6b", HttpStatus.NOT_FOUND);
    }

    private java.util.Optional<SiteSnapshot.Row> row(String platform) {
        return aggregator.snapshot().row(platform);
    }

    private static String colour(String grade) {
        return switch (grade) {
            case "A" -> "#1a7f37";
            case "B" -> "#4c8d2b";
            case "C", "D" -> "#9a6700";
            case "F" -> "#cf222e";
            default -> "#6b6b6b";
        };
    }

    private static ResponseEntity<String> badge(String label, String value, String colour) {
        return badge(label, value, colour, HttpStatus.OK);
    }

    /** A flat two-part badge; widths from character counts (CJK characters count double). */
    static ResponseEntity<String> badge(String label, String value, String colour, HttpStatus status) {
        return badge(label, value, colour, status, "max-age=300");
    }

    private static ResponseEntity<String> badge(String label, String value, String colour, HttpStatus status,
            String cacheControl) {
        int left = 10 + 7 * width(label);
        int right = 10 + 7 * width(value);
        String svg = """
                <svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">\
                <title>%s: %s</title>\
                <rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/>\
                <g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">\
                <text x="%d" y="14">%s</text><text x="%d" y="14">%s</text></g></svg>"""
                .formatted(left + right, xml(label), xml(value), xml(label), xml(value), left, left, right, colour,
                        left / 2, xml(label), left + right / 2, xml(value));
        return ResponseEntity.status(status).contentType(SVG).header("Cache-Control", cacheControl).body(svg);
    }

    private static int width(String text) {
        return text.codePoints().map(c -> c > 0x2E80 ? 2 : 1).sum();
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
