package cardwatch.monitor.network;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.run.RunRecorder;
import cardwatch.monitor.run.RunStart;
import cardwatch.probes.Evidence;
import cardwatch.probes.Outcome;
import cardwatch.probes.ProbeResult;
import cardwatch.probes.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Whose failure is it? A platform whose name does not resolve, whose port refuses, whose TLS handshake fails or that
 * does not answer in time has failed, as long as Cardwatch reached other hosts in the same minutes; only when it
 * reached nothing is the run our own {@code network} error, and Cardwatch itself is degraded (one "monitor degraded"
 * incident instead of one per platform). The evidence, in order: the platform's own hosts reached during the run
 * (then it is the platform's, whatever happened next); any other host reached since the run began; the self-check
 * references where they are configured; else, by default, a connection attempt to a few hosts that answered in the
 * last hour (the consensus of the other platforms). No configuration and no internet access are needed. With no other
 * host ever reached, there is no evidence against the platform and the failure stays its own.
 */
@Component
@Order(0)
public class Connectivity implements RunRecorder.Judge, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Connectivity.class);

    /** The reasons that say "could not get through", and so may be ours. */
    static final Set<Reason> JUDGED = EnumSet.of(Reason.DNS_FAILED, Reason.CONNECT_FAILED, Reason.TLS_FAILED,
            Reason.TIMEOUT, Reason.HTTP_ERROR);
    /** Another host reached this long before the run began still counts: "the same minutes". */
    static final Duration GRACE = Duration.ofSeconds(5);
    /** A consensus check is reused this long: a burst of failures costs one. */
    static final Duration REUSE = Duration.ofSeconds(10);
    /** Hosts asked, and how long each may take to accept a connection. */
    static final int CANDIDATES = 3;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Only hosts reached this recently are asked. */
    static final Duration CANDIDATE_AGE = Duration.ofHours(1);

    private final Reachability reach;
    private final SelfCheck selfCheck;
    private final PlatformCatalog catalog;
    private final Clock clock;
    private final Map<String, Set<String>> own = new ConcurrentHashMap<>();
    private final ExecutorService dialer = Executors.newFixedThreadPool(CANDIDATES, r -> {
        Thread t = new Thread(r, "consensus-dial");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant degradedSince;
    private Instant consensusAt;
    private boolean consensusReached;

    public Connectivity(Reachability reach, SelfCheck selfCheck, PlatformCatalog catalog, Clock clock) {
        this.reach = reach;
        this.selfCheck = selfCheck;
        this.catalog = catalog;
        catalog.listen(change -> {
            change.updated().forEach(p -> forget(p.id()));
            change.removed().forEach(p -> forget(p.id()));
        });
        this.clock = clock;
    }

    @Override
    public ProbeResult judge(RunStart run, ProbeResult result, Instant ended) {
        if (result.outcome() != Outcome.FAILURE || !JUDGED.contains(result.reason())) {
            return result;
        }
        Set<String> hosts = own(run.platform());
        if (reach.reachedSince(hosts, run.actualStart())
                || reach.reachedOtherSince(hosts, run.actualStart().minus(GRACE))) {
            return result;
        }
        String why;
        if (selfCheck.configured()) {
            if (!selfCheck.degradedNow()) {
                return result;
            }
            why = "no self-check reference answers";
        } else {
            List<String> asked = reach.recentOthers(hosts, CANDIDATES, clock.instant().minus(CANDIDATE_AGE));
            if (asked.isEmpty() || othersAnswer(asked)) {
                return result;
            }
            why = "none of " + asked.size() + " other hosts that answered lately accepts a connection";
        }
        if (degradedSince == null) {
            degradedSince = ended;
            log.warn("Cardwatch reaches nothing: {}; failures count as our own network errors until a host answers",
                    why);
        }
        return new ProbeResult(Outcome.ERROR, Reason.NETWORK, result.flags(), result.phases(), result.delivery(),
                result.platformOrderNo(), result.amountCharged(),
                Evidence.of("Cardwatch reached no other host in the same minutes (" + why + "), so this is our "
                        + "network, not the platform; " + result.reason().label() + ": " + result.evidence(),
                        List.of()), result.certificateExpiry(), result.facts());
    }

    /** Whether Cardwatch reaches nothing now, as far as it knows. */
    public boolean degraded() {
        return selfCheck.configured() ? selfCheck.degraded() : degradedSince != null;
    }

    /** As {@link #degraded()}, checking the references again first when they are configured and not just checked. */
    public boolean degradedNow() {
        return selfCheck.configured() ? selfCheck.degradedNow() : degraded();
    }

    /** Whether the references are configured: then they alone say whether Cardwatch is degraded. */
    public boolean referencesConfigured() {
        return selfCheck.configured();
    }

    /**
     * Checks again, on the self-check's schedule: the references when configured; else, while degraded, whether any
     * host has been reached since, or now accepts a connection.
     */
    public boolean check() {
        if (selfCheck.configured()) {
            return selfCheck.check();
        }
        Instant since = degradedSince;
        if (since == null) {
            return false;
        }
        List<String> known = reach.recentOthers(Set.of(), CANDIDATES, Instant.EPOCH);
        if (reach.reachedOtherSince(Set.of(), since.plusMillis(1)) || !known.isEmpty() && othersAnswer(known)) {
            degradedSince = null;
            log.info("Cardwatch reaches other hosts again; platform failures count as theirs again");
            return false;
        }
        return true;
    }

    /** A platform changed or went: its hosts are looked up again. */
    void forget(String platform) {
        own.remove(platform);
    }

    private Set<String> own(String platform) {
        return own.computeIfAbsent(platform, id -> catalog.find(id).map(Platform::ownAuthorities).orElse(Set.of()));
    }

    /** Dials the hosts at once; true when any accepts a connection. A check is reused for a few seconds. */
    private synchronized boolean othersAnswer(List<String> hosts) {
        Instant now = clock.instant();
        if (consensusAt != null && Duration.between(consensusAt, now).compareTo(REUSE) < 0) {
            return consensusReached;
        }
        List<Future<Boolean>> dials = hosts.stream().map(host -> dialer.submit(() -> dial(host))).toList();
        boolean any = false;
        for (Future<Boolean> dial : dials) {
            try {
                any |= dial.get(CONNECT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                dial.cancel(true);
            }
        }
        consensusAt = clock.instant();
        consensusReached = any;
        return any;
    }

    private boolean dial(String authority) {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon).replaceAll("^\\[|]$", "");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, Integer.parseInt(authority.substring(colon + 1))),
                    (int) CONNECT_TIMEOUT.toMillis());
            reach.reached(authority);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void destroy() {
        dialer.shutdownNow();
    }
}
