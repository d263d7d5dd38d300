package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import cardwatch.probes.http.TransportException;

/**
 * How every protocol classifies a request that got no usable answer: as the platform's failure. Whether Cardwatch
 * itself could reach anything at the time is judged by the service, with evidence from every other request; when it
 * could not, the run becomes our own {@code network} error there.
 */
public final class Transports {

    private Transports() {
    }

    public static Reason reason(TransportException e) {
        return switch (e.kind()) {
            case DNS -> Reason.DNS_FAILED;
            case CONNECTION_REFUSED, UNREACHABLE -> Reason.CONNECT_FAILED;
            case TLS -> Reason.TLS_FAILED;
            case CONNECT_TIMEOUT, READ_TIMEOUT -> Reason.TIMEOUT;
            case CONNECTION_BROKEN -> Reason.HTTP_ERROR;
            case TOO_LARGE, REDIRECT_REFUSED -> Reason.PROTOCOL_ERROR;
        };
    }
}
