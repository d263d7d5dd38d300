package cardwatch.probes;

import java.net.URI;

/**
 * How a storefront's orders are paid.
 *
 * @param kind       {@code balance} (our account's balance at the store), {@code checkout} (nothing is paid: the
 *                   order is followed to the gateway's page), or a deployment's own payer
 * @param gateway    the gateway's base URL: the only host besides the store's that a checkout visits
 * @param account    our account at the payment side, for a deployment's own payer (Cardwatch's payers need none)
 * @param method     the store's id for this payment method (acg-faka's {@code pay_id}, dujiaoka's {@code payway})
 * @param signStyle  a gateway signature variant ({@code standard}, {@code key-prefix}, {@code keep-empty}), for a
 *                   deployment's own payer that signs epay requests; null otherwise
 */
public record PayerSettings(String kind, URI gateway, String account, String method, String signStyle) {
}
