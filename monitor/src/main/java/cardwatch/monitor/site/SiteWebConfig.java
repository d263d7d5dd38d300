package cardwatch.monitor.site;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;
import org.springframework.web.servlet.LocaleResolver;

/**
 * The public pages' web setup: Chinese unless {@code ?lang=en} or an Accept-Language that prefers English asks
 * otherwise; a Content-Security-Policy that allows nothing but our own styles and images on every response; ETags
 * on the pages that are rendered per request.
 */
@Configuration(proxyBeanMethods = false)
class SiteWebConfig {

    /** No scripts at all, styles and images only from us (and data: images for the SVG bars), no framing. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'";

    @Bean
    LocaleResolver localeResolver() {
        return new SiteLocaleResolver();
    }

    @Bean
    FilterRegistrationBean<Filter> securityHeaders() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("Content-Security-Policy", CSP);
            http.setHeader("X-Content-Type-Options", "nosniff");
            http.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
            chain.doFilter(request, response);
        });
        registration.addUrlPatterns("/*");
        registration.setOrder(0);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> pageEtags() {
        ShallowEtagHeaderFilter etags = new ShallowEtagHeaderFilter();
        // weak: the same page is sent gzipped or not, and Tomcat does not compress under a strong ETag
        etags.setWriteWeakETag(true);
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration = new FilterRegistrationBean<>(etags);
        registration.setUrlPatterns(List.of("/platforms/*", "/incidents", "/methodology", "/feed.atom", "/badge/*"));
        registration.setOrder(1);
        return registration;
    }

    /** {@code ?lang=en|zh} first, then the first of Accept-Language's ranges that is English or Chinese. */
    static final class SiteLocaleResolver implements LocaleResolver {

        @Override
        public Locale resolveLocale(HttpServletRequest request) {
            return resolve(request.getParameter("lang"), request.getHeader("Accept-Language"));
        }

        static Locale resolve(String lang, String acceptLanguage) {
            if ("en".equals(lang)) {
                return Locale.ENGLISH;
            }
            if ("zh".equals(lang)) {
                return Locale.SIMPLIFIED_CHINESE;
            }
            if (acceptLanguage != null && !acceptLanguage.isBlank()) {
                try {
                    for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                        String tag = range.getRange().toLowerCase(Locale.ROOT);
                        if (tag.equals("en") || tag.startsWith("en-")) {
                            return Locale.ENGLISH;
                        }
                        if (tag.equals("zh") || tag.startsWith("zh-")) {
                            return Locale.SIMPLIFIED_CHINESE;
                        }
                    }
                } catch (IllegalArgumentException malformed) {
                    // a malformed header is ignored: the default language
                }
            }
            return Locale.SIMPLIFIED_CHINESE;
        }

        @Override
        public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
            throw new UnsupportedOperationException("the language is chosen by ?lang= or Accept-Language");
        }
    }
}
