package cardwatch.probes.purchase;

import cardwatch.probes.Reason;

/** What the platform said when asked about our order. */
public sealed interface QueryAnswer {

    record Found(OrderStatus status) implements QueryAnswer {
    }

    /** The platform answered properly and has no such order. */
    record NotFound(String text) implements QueryAnswer {
    }

    /** No usable answer. */
    record Failed(Reason reason, String evidence) implements QueryAnswer {
    }
}
