package cardwatch.monitor.crowd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * How many reports an address, and its network, may send: {@code perAddress} per address and {@code perNetwork} per
 * /24 (IPv4) or /48 (IPv6) in any {@link #WINDOW}. Counted in the database ({@code crowd_attempt}, keyed hashes
 * only), so that the limits hold across every instance sharing it; one count is taken at a time everywhere (the row
 * of the shared key is locked for it), so that two instances cannot both let the last one through.
 */
final class ReportLimits {

    static final Duration WINDOW = Duration.ofMinutes(10);

    private final JdbcClient jdbc;
    private final TransactionOperations transactions;
    private final Clock clock;
    private final UnaryOperator<String> hash;
    private final int perAddress;
    private final int perNetwork;

    /** {@code hash}: the keyed hash an address and a network are kept as. */
    ReportLimits(JdbcClient jdbc, TransactionOperations transactions, Clock clock, UnaryOperator<String> hash,
            int perAddress, int perNetwork) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.hash = hash;
        this.perAddress = perAddress;
        this.perNetwork = perNetwork;
    }

    /** Counts one report from {@code address}; false (and nothing counted) when it or its network is at its limit. */
    boolean take(String address) {
        String own = hash.apply("limit-address:" + address);
        String network = hash.apply("limit-network:" + network(address));
        Boolean taken = transactions.execute(status -> {
            jdbc.sql("select id from crowd_secret where id = 1 for update").query(Integer.class).list();
            var now = clock.instant().atOffset(ZoneOffset.UTC);
            var since = now.minus(WINDOW);
            jdbc.sql("delete from crowd_attempt where at <= ?").param(since).update();
            long fromAddress = count("address_hash", own, since);
            long fromNetwork = count("network_hash", network, since);
            if (fromAddress >= perAddress || fromNetwork >= perNetwork) {
                return false;
            }
            jdbc.sql("insert into crowd_attempt (address_hash, network_hash, at) values (?, ?, ?)")
                    .params(own, network, now).update();
            return true;
        });
        return Boolean.TRUE.equals(taken);
    }

    private long count(String column, String value, java.time.OffsetDateTime since) {
        return jdbc.sql("select count(*) from crowd_attempt where " + column + " = ? and at > ?")
                .params(value, since).query(Long.class).single();
    }

    /** A challenge's mark as spent, on every instance; false when it was spent already. Old marks go meanwhile. */
    static boolean spend(JdbcClient jdbc, Clock clock, UnaryOperator<String> hash, String challenge) {
        Instant now = clock.instant();
        jdbc.sql("delete from crowd_spent where spent_at <= ?")
                .param(now.minus(Challenge.VALID).atOffset(ZoneOffset.UTC)).update();
        try {
            return jdbc.sql("insert into crowd_spent (challenge_hash, spent_at) values (?, ?)")
                    .params(hash.apply("challenge:" + challenge), now.atOffset(ZoneOffset.UTC)).update() == 1;
        } catch (org.springframework.dao.DuplicateKeyException e) {
            return false;
        }
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
