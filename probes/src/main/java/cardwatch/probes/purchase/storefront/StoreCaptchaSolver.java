package cardwatch.probes.purchase.storefront;

import java.util.Optional;

/**
 * Solves a storefront's image captcha (acg-faka asks one for login and for orders unless its owner turned them off).
 * Cardwatch ships none: without a solver a captcha in the purchase path is our {@code captcha} error, and the
 * platform's page says it cannot be tested automatically. A deployment that has a solver plugs it in here, as for the
 * MIIT registry's captcha.
 */
public interface StoreCaptchaSolver {

    /** No solver: every captcha stays unsolved. */
    StoreCaptchaSolver NONE = (platform, purpose, image, contentType) -> Optional.empty();

    /**
     * The answer to a captcha image, or empty when it cannot be solved.
     *
     * @param platform     the platform's id
     * @param purpose      what the captcha guards: {@code login} or {@code trade}
     * @param image        the image as the store served it
     * @param contentType  its Content-Type
     */
    Optional<String> solve(String platform, String purpose, byte[] image, String contentType);
}
