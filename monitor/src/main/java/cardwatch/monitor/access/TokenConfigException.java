package cardwatch.monitor.access;

/** A {@code cardwatch.api.tokens} setting that cannot be used; the message names the setting, never its value. */
class TokenConfigException extends RuntimeException {

    TokenConfigException(String message) {
        super(message);
    }
}
