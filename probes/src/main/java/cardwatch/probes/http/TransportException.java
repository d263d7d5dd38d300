package cardwatch.probes.http;

import java.io.IOException;

/** A request that got no usable answer, with what went wrong and whether the request may have arrived. */
public final class TransportException extends IOException {

    /** What went wrong. */
    public enum Kind {
        /** The host name did not resolve. */
        DNS(false),
        /** Nothing listens: the request never left. */
        CONNECTION_REFUSED(false),
        /** No route: our network, most likely. */
        UNREACHABLE(false),
        /** The connection was not set up in time: the request never left. */
        CONNECT_TIMEOUT(false),
        /** Sent, and no (complete) answer in time. */
        READ_TIMEOUT(true),
        /** The connection broke after it was set up. */
        CONNECTION_BROKEN(true),
        /** TLS handshake or certificate failure. */
        TLS(false),
        /** The answer was larger than the cap. */
        TOO_LARGE(true),
        /** A redirect to another host, which is never followed. */
        REDIRECT_REFUSED(true);

        private final boolean maybeArrived;

        Kind(boolean maybeArrived) {
            this.maybeArrived = maybeArrived;
        }

        /** Whether the platform may have received (and acted on) the request. */
        public boolean maybeArrived() {
            return maybeArrived;
        }
    }

    private final Kind kind;
    private final java.net.URI target;

    public TransportException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    /** A refused redirect, with where it pointed. */
    public TransportException(Kind kind, String message, Throwable cause, java.net.URI target) {
        super(kind.name().toLowerCase() + ": " + message, cause);
        this.kind = kind;
        this.target = target;
    }

    public Kind kind() {
        return kind;
    }

    /** Where a refused redirect pointed; {@code null} for every other failure. */
    public java.net.URI target() {
        return target;
    }
}
