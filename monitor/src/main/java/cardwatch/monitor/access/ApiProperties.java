package cardwatch.monitor.access;

import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code cardwatch.api}: the tokens that open the private API (the ledger, the budget, run details and the admin API).
 * Each is stored as its SHA-256, never as the token; {@code java -jar monitor.jar token <role> <name>} makes one.
 *
 * @param tokens the tokens, none by default (the private API then refuses every request and says how to make one)
 */
public record ApiProperties(@DefaultValue List<Token> tokens) {

    /**
     * @param name   who holds it, as the audit and the logs name them
     * @param role   {@code read} (private data) or {@code admin} (that, and changes)
     * @param sha256 the token's SHA-256 in hex
     */
    public record Token(String name, String role, String sha256) {
    }
}
