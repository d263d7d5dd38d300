package cardwatch.monitor.platform;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/** Domains as a buyer types or pastes them, and as platforms are found by them. */
public final class Domains {

    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** What a domain may hold once lower-cased: letters, digits, dots and hyphens (punycode for the rest). */
    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

    private Domains() {
    }

    /**
     * A host as a domain: lower case, without a trailing dot and without a leading {@code www.}, non-ASCII labels in
     * their ASCII (punycode) form; null for what is no domain (an IP address, {@code localhost}, a bare word).
     */
    public static String of(String host) {
        if (host == null || host.isBlank() || host.startsWith("[") || IPV4.matcher(host).matches()) {
            return null;
        }
        String domain;
        try {
            domain = IDN.toASCII(host.strip(), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.startsWith("www.")) {
            domain = domain.substring(4);
        }
        return DOMAIN.matcher(domain).matches() ? domain : null;
    }

    /**
     * What a reader typed, if it is a domain or a URL: its domain, with the scheme, user, port, path, query and
     * {@code www.} stripped ({@code https://www.Shop.example:8443/goods?id=1} is {@code shop.example}); null when it
     * is not one (a name, an id).
     */
    public static String fromInput(String text) {
        if (text == null) {
            return null;
        }
        String rest = SCHEME.matcher(text.strip()).replaceFirst("");
        int end = rest.length();
        for (char stop : new char[] {'/', '?', '#', ' '}) {
            int at = rest.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        String authority = rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']') < colon) {
            authority = authority.substring(0, colon);
        }
        return authority.contains(".") ? of(authority) : null;
    }

    /** Whether {@code domain} is the platform's {@code own} domain or a subdomain of it. */
    public static boolean within(String domain, String own) {
        return domain.equals(own) || domain.endsWith("." + own);
    }
}
