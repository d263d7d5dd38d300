package cardwatch.monitor.site;

import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.system.CardwatchProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.LocaleResolver;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/** Renders a site template to a string in the request's language, for pages whose HTML is cached. */
@Component
class SitePages {

    private final ITemplateEngine templates;
    private final MessageSource messages;
    private final LocaleResolver locales;
    private final ZoneId zone;

    private final SiteAggregator aggregator;
    private final PlatformCatalog catalog;

    SitePages(ITemplateEngine templates, MessageSource messages, LocaleResolver locales,
            CardwatchProperties properties, SiteAggregator aggregator, PlatformCatalog catalog) {
        this.aggregator = aggregator;
        this.catalog = catalog;
        this.templates = templates;
        this.messages = messages;
        this.locales = locales;
        this.zone = ZoneId.of(properties.schedule().timeZone());
    }

    /** Seconds a reader is asked to wait for the figures of a platform being computed. */
    static final int COMPUTING_RETRY_SECONDS = 10;

    /**
     * The page for a platform the figures do not hold: one we watch whose figures are not in yet (the service has
     * just started, or the platform was just added) is being computed, 503 with a time to try again; any other id is
     * no platform of ours, 404.
     */
    ResponseEntity<String> absent(String id, HttpServletRequest request, HttpServletResponse response,
            Locale locale) {
        if (watched(id)) {
            return PlatformPageController.html(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(COMPUTING_RETRY_SECONDS))
                    .body(render("site/computing", request, response, locale, Map.of("id", id)));
        }
        return PlatformPageController.html(HttpStatus.NOT_FOUND, render("site/not-found", request, response, locale,
                Map.of("id", id)));
    }

    /** Whether {@code id} is a platform we watch. */
    boolean watched(String id) {
        return catalog.find(id).isPresent();
    }

    Locale locale(HttpServletRequest request) {
        return locales.resolveLocale(request);
    }

    SiteFormat format(Locale locale) {
        return new SiteFormat(messages, locale, zone);
    }

    String render(String template, HttpServletRequest request, HttpServletResponse response, Locale locale,
            Map<String, Object> model) {
        WebContext context = new WebContext(JakartaServletWebApplication.buildApplication(request.getServletContext())
                .buildExchange(request, response), locale, model);
        SiteFormat fmt = format(locale);
        context.setVariable("fmt", fmt);
        if (!model.containsKey("updated")) {
            context.setVariable("updated", aggregator.snapshot().changedAt());
        }
        context.setVariable("switchLanguage", switchLanguage(request, fmt.english() ? "zh" : "en"));
        return BETWEEN_TAGS.matcher(templates.process(template, context)).replaceAll(">\n<");
    }

    /**
     * Template indentation between two tags, dropped from the output (a fifth of a page's bytes). One newline is
     * kept, so the whitespace still renders as it did; text never matches, since it cannot hold a raw '<' or '>'.
     */
    private static final java.util.regex.Pattern BETWEEN_TAGS = java.util.regex.Pattern.compile(">[ \t\r\n]*\n[ \t\r\n]*<");

    /** The same page in the other language: its path and the page's own parameters, with {@code lang} replaced. */
    static String switchLanguage(HttpServletRequest request, String lang) {
        StringBuilder url = new StringBuilder(request.getRequestURI()).append('?');
        for (String name : PARAMETERS) {
            String value = request.getParameter(name);
            if (value != null && !value.isEmpty()) {
                url.append(name).append('=').append(java.net.URLEncoder.encode(value,
                        java.nio.charset.StandardCharsets.UTF_8)).append('&');
            }
        }
        return url.append("lang=").append(lang).toString();
    }

    /** The parameters the pages read; anything else is not carried into links. */
    static final java.util.List<String> PARAMETERS = java.util.List.of("q", "grade", "incident", "sort", "page");
}
