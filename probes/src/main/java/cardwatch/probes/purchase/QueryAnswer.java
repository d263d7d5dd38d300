package cardwatch.probes.purchase;

import cardwatch.probes.Reason;

/** What the platform said when asked about our order. */
public sealed interface QueryAnswer {

    record Found(OrderStatus status) implements QueryAnswer {
    }

    /** The platform answered properly and has no such order. */
    record NotFound(String text) implements QueryAnswer {
    }

    /**
     * Not asked this time: the platform's rate limit for queries is spent for now (acg-faka allows 30 a 10 minutes per
     * address). Neither an answer nor a failure; the run asks again later.
     */
    record Deferred(String why) implements QueryAnswer {
    }

    /** No usable answer. */
    record Failed(Reason reason, String evidence) implements QueryAnswer {
    }
}
