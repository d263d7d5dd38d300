package cardwatch.monitor.access;

import cardwatch.monitor.system.LogText;
import cardwatch.monitor.system.ThrottledLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a refused request to the private API with a problem document that says what is missing, counts it in
 * {@code cardwatch_api_refused_total{reason}} and logs it at most once a minute per reason: the method, the path and
 * the caller's address, never the header.
 */
@Component
class AccessRefusals implements AuthenticationEntryPoint, AccessDeniedHandler, AuthenticationFailureHandler {

    static final String METER = "cardwatch_api_refused";
    private static final Logger log = LoggerFactory.getLogger(AccessRefusals.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Why a request was refused: no token, a token that is none of ours, or a role short of what it asks. */
    enum Reason {
        MISSING, INVALID, FORBIDDEN
    }

    private final ApiTokens tokens;
    private final ThrottledLog throttle;
    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    AccessRefusals(ApiTokens tokens, Clock clock, MeterRegistry registry) {
        this.tokens = tokens;
        this.throttle = new ThrottledLog(clock, Duration.ofMinutes(1));
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder(METER).description("Requests to the private API refused: no token,"
                    + " a token that is not valid, or a role that does not allow the request")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    /** No token presented (or none configured). */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        refuse(request, response, Reason.MISSING, HttpStatus.UNAUTHORIZED, tokens.none()
                ? "this is private and no API token is configured: make one with `java -jar monitor.jar token read"
                        + " <name>` and set the cardwatch.api.tokens lines it prints (README: Private data)"
                : "this is private: send 'Authorization: Bearer <token>' with a token of the read or admin role");
    }

    /** A token presented that is not valid. */
    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException e) throws IOException {
        refuse(request, response, Reason.INVALID, HttpStatus.UNAUTHORIZED,
                e.getMessage() + ": send 'Authorization: Bearer <token>' with a token of the read or admin role");
    }

    /** A valid token whose role does not allow the request. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        String who = auth != null && auth.getPrincipal() instanceof ApiTokens.Caller caller
                ? "token '" + caller.name() + "' has the " + caller.role().label() + " role" : "the token's role";
        refuse(request, response, Reason.FORBIDDEN, HttpStatus.FORBIDDEN,
                request.getMethod() + " here needs the admin role; " + who);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Reason reason, HttpStatus status,
            String detail) throws IOException {
        counters.get(reason).increment();
        long left = throttle.pass(reason.name());
        if (left >= 0) {
            log.warn("private API request refused ({}): {} {} from {}{}", reason.name().toLowerCase(Locale.ROOT),
                    LogText.quote(request.getMethod()), LogText.quote(request.getRequestURI()),
                    request.getRemoteAddr(), left > 0 ? " (" + left + " more refusals of this kind not logged)" : "");
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        JSON.writeValue(response.getOutputStream(), problem);
    }
}
