package cardwatch.monitor.hooks;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The words the public pages use (messages.properties, messages_en.properties) for alert messages, which are written
 * outside any web request.
 */
final class Labels {

    private static final ResourceBundle.Control EXACT = ResourceBundle.Control.getNoFallbackControl(
            ResourceBundle.Control.FORMAT_PROPERTIES);
    private static final ResourceBundle ZH = ResourceBundle.getBundle("messages", Locale.ROOT, EXACT);
    private static final ResourceBundle EN = ResourceBundle.getBundle("messages", Locale.ENGLISH, EXACT);

    private Labels() {
    }

    /** The label under {@code key} in the language (zh unless en); {@code fallback} when there is none. */
    static String of(String language, String key, String fallback) {
        try {
            return ("en".equals(language) ? EN : ZH).getString(key);
        } catch (MissingResourceException e) {
            return fallback;
        }
    }
}
