package cardwatch.monitor.api;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
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

    /**
     * The document's info block: its title, the version of the service that serves it (the build's, filtered into
     * {@code cardwatch-build.version}), what it is, and whom to ask: the site's watch-request address when one is
     * set, else its operator.
     */
    @Bean
    org.springdoc.core.customizers.OpenApiCustomizer info(
            @org.springframework.beans.factory.annotation.Value("${cardwatch-build.version:unknown}") String version,
            cardwatch.monitor.system.CardwatchProperties properties) {
        String requests = properties.site().watchRequests();
        io.swagger.v3.oas.models.info.Contact contact = new io.swagger.v3.oas.models.info.Contact()
                .name("The operator of this Cardwatch site");
        if (requests.startsWith("mailto:")) {
            contact.email(requests.substring("mailto:".length()));
        } else if (!requests.isEmpty()) {
            contact.url(requests);
        }
        return api -> api.info(new io.swagger.v3.oas.models.info.Info().title("Cardwatch API").version(version)
                .description("Which 卡盟 / 发卡 platforms are safe to pay, measured: scheduled test purchases, "
                        + "storefront checks, ICP filings and complaints per platform. Public operations serve "
                        + "aggregates and summaries of finished runs; operations marked with the token scheme need an "
                        + "API token (read for private data such as the ledger, the budget and runs in full; admin for "
                        + "changes).")
                .contact(contact));
    }
}
