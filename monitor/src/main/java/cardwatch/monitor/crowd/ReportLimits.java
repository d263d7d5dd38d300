package cardwatch.monitor.crowd;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many reports an address, and its network, may send: {@code perAddress} per address and {@code perNetwork} per
 * /24 (IPv4) or /48 (IPv6) in each {@link #WINDOW} (by default {@link #PER_ADDRESS} and {@link #PER_NETWORK}).
 * Counted in memory, per instance; a window starts at the first report and is forgotten after it.
 */
final class ReportLimits {

    static final Duration WINDOW = Duration.ofMinutes(10);
    static final int PER_ADDRESS = 3;
    static final int PER_NETWORK = 10;

    private final Cache<String, AtomicInteger> counts;
    private final int perAddress;
    private final int perNetwork;

    ReportLimits(Ticker ticker, int perAddress, int perNetwork) {
        counts = Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(200_000).ticker(ticker).build();
        this.perAddress = perAddress;
        this.perNetwork = perNetwork;
    }

    /** Counts one report from {@code address}; false (and nothing counted) when it or its network is at its limit. */
    synchronized boolean take(String address) {
        String network = network(address);
        AtomicInteger own = counts.get("a:" + address, k -> new AtomicInteger());
        AtomicInteger net = counts.get("n:" + network, k -> new AtomicInteger());
        if (own.get() >= perAddress || net.get() >= perNetwork) {
            return false;
        }
        own.incrementAndGet();
        net.incrementAndGet();
        return true;
    }

    /** The /24 of an IPv4 address, the /48 of an IPv6 one; the text itself when it is no address. */
    static String network(String address) {
        if (address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return address.substring(0, address.lastIndexOf('.')) + ".0/24";
        }
        if (address.contains(":") && address.matches("[0-9A-Fa-f:.%\\[\\]]+")) {
            try { // a literal: no name is looked up
                byte[] bytes = InetAddress.getByName(address).getAddress();
                return bytes.length == 16 ? Arrays.toString(Arrays.copyOf(bytes, 6)) + "/48" : address;
            } catch (UnknownHostException e) {
                return address;
            }
        }
        return address;
    }
}
