package cardwatch.monitor.network;

import cardwatch.probes.http.Contacts;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Every host Cardwatch got through to, and when: fed by the probes' HTTP client for each request (a connection set
 * up, an answer begun). Keyed by {@code host:port}, so two simulated platforms on one machine are two hosts. The
 * few most recently reached hosts are kept in order, so "did anything else answer since then?" is a short scan.
 */
@Component
public class Reachability implements Contacts {

    /** How many recently reached hosts are kept in order; a platform has at most a few of its own. */
    static final int RECENT = 16;

    private record Seen(String authority, long at) {
    }

    private final Clock clock;
    private final Map<String, Long> lastReached = new ConcurrentHashMap<>();
    private final Seen[] recent = new Seen[RECENT];

    public Reachability(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void reached(String authority) {
        long now = clock.millis();
        lastReached.put(authority, now);
        synchronized (recent) {
            int at = RECENT - 1;
            for (int i = 0; i < RECENT; i++) {
                if (recent[i] == null || recent[i].authority().equals(authority)) {
                    at = i;
                    break;
                }
            }
            System.arraycopy(recent, 0, recent, 1, at);
            recent[0] = new Seen(authority, now);
        }
    }

    @Override
    public void answered(String authority) {
        reached(authority);
    }

    /** When {@code authority} was last reached; null if never since the start. */
    public Instant lastReached(String authority) {
        Long at = lastReached.get(authority);
        return at == null ? null : Instant.ofEpochMilli(at);
    }

    /** Whether any of {@code authorities} was reached at or after {@code since}. */
    public boolean reachedSince(Collection<String> authorities, Instant since) {
        for (String authority : authorities) {
            Long at = lastReached.get(authority);
            if (at != null && at >= since.toEpochMilli()) {
                return true;
            }
        }
        return false;
    }

    /** Whether any host other than {@code own} was reached at or after {@code since}. */
    public boolean reachedOtherSince(Collection<String> own, Instant since) {
        synchronized (recent) {
            for (Seen seen : recent) {
                if (seen == null || seen.at() < since.toEpochMilli()) {
                    return false;
                }
                if (!own.contains(seen.authority())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Up to {@code limit} hosts other than {@code own} reached at or after {@code since}, the latest first. */
    public List<String> recentOthers(Collection<String> own, int limit, Instant since) {
        List<String> others = new ArrayList<>();
        synchronized (recent) {
            for (Seen seen : recent) {
                if (seen == null || seen.at() < since.toEpochMilli() || others.size() >= limit) {
                    break;
                }
                if (!own.contains(seen.authority())) {
                    others.add(seen.authority());
                }
            }
        }
        return others;
    }
}
