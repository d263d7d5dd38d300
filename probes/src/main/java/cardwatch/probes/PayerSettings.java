package cardwatch.probes;

import java.net.URI;

/**
 * How a storefront's orders are paid.
 *
 * @param kind       {@code balance} (the account's balance at the store) or {@code epay} (an epay gateway wallet)
 * @param gateway    the gateway's base URL, for {@code epay}
 * @param account    our payer account id at the gateway, for {@code epay}
 * @param method     the store's id for this payment method (its {@code pay_id} / {@code payway})
 * @param signStyle  the gateway's signature variant: {@code standard}, {@code key-prefix} or {@code keep-empty}
 */
public record PayerSettings(String kind, URI gateway, String account, String method, String signStyle) {
}
