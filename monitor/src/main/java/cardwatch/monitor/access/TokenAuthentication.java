package cardwatch.monitor.access;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/**
 * Checks an {@code Authorization: Bearer} token against {@link ApiTokens}. The presented token travels as the
 * credentials of an unauthenticated {@link PreAuthenticatedAuthenticationToken}; the authenticated one holds only the
 * caller (name and role), never the token.
 */
final class TokenAuthentication implements AuthenticationProvider {

    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;

    TokenAuthentication(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /** The token a request presents, or null without an Authorization header. */
    static Authentication presented(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new BadCredentialsException("the Authorization header is not 'Bearer <token>'");
        }
        return new PreAuthenticatedAuthenticationToken(null, header.substring(BEARER.length()).strip());
    }

    @Override
    public Authentication authenticate(Authentication presented) {
        Object token = presented.getCredentials();
        return tokens.find(token instanceof String s ? s : null)
                .map(caller -> new PreAuthenticatedAuthenticationToken(caller, null, caller.role().authorities()))
                .orElseThrow(() -> new BadCredentialsException("the token is not one of this service's"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PreAuthenticatedAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
