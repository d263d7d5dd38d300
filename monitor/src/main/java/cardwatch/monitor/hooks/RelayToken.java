package cardwatch.monitor.hooks;

import cardwatch.monitor.system.CardwatchProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * The bearer token Alertmanager presents on {@code /hooks/*} ({@code cardwatch.hooks.relay-token}), compared in
 * constant time. Without a token the hooks are off.
 */
@Component
class RelayToken {

    private final byte[] expected;

    RelayToken(CardwatchProperties properties) {
        this.expected = ("Bearer " + properties.hooks().relayToken()).getBytes(StandardCharsets.UTF_8);
    }

    /** The refusal to send, or null when the request may go on. */
    ResponseEntity<?> refusal(String authorization, String what) {
        if (expected.length == "Bearer ".length()) {
            return problem(HttpStatus.NOT_FOUND, what + " is off: set cardwatch.hooks.relay-token");
        }
        if (authorization == null
                || !MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
            return problem(HttpStatus.UNAUTHORIZED, "a valid 'Authorization: Bearer' token is required");
        }
        return null;
    }

    static ResponseEntity<?> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
