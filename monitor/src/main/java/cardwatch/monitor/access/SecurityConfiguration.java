package cardwatch.monitor.access;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Which requests need a token. Private: the admin API, the ledger and the budget (money, order ids, raw evidence);
 * reading, and running a probe now, need the read role, anything else the admin role. Everything else is public and
 * passes no security filter at all: the pages, the public JSON API (aggregates and finished-run summaries), badges,
 * feeds, notifies and the hooks (which check their own signatures and token).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** The private paths; {@code PublicSurfaceIT} holds every endpoint of the service to this list. */
    static final String[] PRIVATE = {"/api/admin/**", "/api/v1/ledger/**", "/api/v1/budget/**"};

    @Bean
    TokenAuthentication tokenAuthentication(ApiTokens tokens) {
        return new TokenAuthentication(tokens);
    }

    @Bean
    SecurityFilterChain privateApi(HttpSecurity http, TokenAuthentication tokens, AccessRefusals refusals)
            throws Exception {
        AuthenticationFilter bearer = new AuthenticationFilter(new ProviderManager(tokens),
                TokenAuthentication::presented);
        bearer.setSuccessHandler((request, response, authentication) -> { });
        bearer.setFailureHandler(refusals);
        return http.securityMatcher(PRIVATE)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET).hasRole("READ")
                        .requestMatchers(HttpMethod.HEAD).hasRole("READ")
                        // running a probe now: the controller asks admin for a purchase, which spends money
                        .requestMatchers(HttpMethod.POST, "/api/admin/v1/platforms/*/runs").hasRole("READ")
                        .anyRequest().hasRole("ADMIN"))
                .addFilterAt(bearer, BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .build();
    }
}
