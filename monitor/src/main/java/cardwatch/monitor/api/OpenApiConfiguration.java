package cardwatch.monitor.api;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's security schemes: the API token, and the relay token Alertmanager presents on the hooks.
 * Operations that need one carry {@code @SecurityRequirement}; those without are public.
 */
@Configuration(proxyBeanMethods = false)
@SecurityScheme(name = OpenApiConfiguration.TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API token (`java -jar monitor.jar token <read|admin> <name>`); read for private data, admin"
                + " for changes")
@SecurityScheme(name = OpenApiConfiguration.RELAY, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Alertmanager's relay token on /hooks/* (cardwatch.hooks.relay-token)")
public class OpenApiConfiguration {

    /** The scheme's name, for {@code @SecurityRequirement}. */
    public static final String TOKEN = "token";
    /** The relay token's scheme. */
    public static final String RELAY = "relay";
}
