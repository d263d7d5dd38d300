package cardwatch.probes.purchase;

import cardwatch.probes.Reason;
import cardwatch.probes.http.TransportException;

/** How every protocol classifies a request that got no usable answer. */
public final class Transports {

    private Transports() {
    }

    public static Reason reason(TransportException e) {
        return switch (e.kind()) {
            case DNS, UNREACHABLE -> Reason.NETWORK;
            case CONNECT_TIMEOUT, READ_TIMEOUT -> Reason.TIMEOUT;
            case CONNECTION_REFUSED, CONNECTION_BROKEN, TLS -> Reason.HTTP_ERROR;
            case TOO_LARGE, REDIRECT_REFUSED -> Reason.PROTOCOL_ERROR;
        };
    }
}
