package cardwatch.monitor.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only {@code ledger_entry} table and the per-platform balance snapshots. */
@Repository
public class LedgerRepository {

    private static final String COLUMNS = "id, entry_key, platform_id, run_id, kind, amount, currency, "
            + "platform_order_no, source, occurred_at, note";

    private final JdbcClient jdbc;

    public LedgerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes an entry once: false when an entry with the same key exists already. */
    public boolean append(String entryKey, String platform, Long runId, String kind, BigDecimal amount,
            String platformOrderNo, String source, Instant occurredAt, String note) {
        try {
            jdbc.sql("insert into ledger_entry (entry_key, platform_id, run_id, kind, amount, currency, "
                            + "platform_order_no, source, occurred_at, note) values (?, ?, ?, ?, ?, 'CNY', ?, ?, ?, ?)")
                    .params(entryKey, platform, runId, kind, amount.setScale(2, RoundingMode.HALF_UP),
                            platformOrderNo, source, utc(occurredAt), note == null ? "" : note)
                    .update();
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Entries, oldest first, filtered by platform and time; any filter may be null. */
    public List<LedgerEntry> list(String platform, Instant from, Instant to, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from ledger_entry where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (platform != null) {
            sql.append(" and platform_id = ?");
            params.add(platform);
        }
        if (from != null) {
            sql.append(" and occurred_at >= ?");
            params.add(utc(from));
        }
        if (to != null) {
            sql.append(" and occurred_at < ?");
            params.add(utc(to));
        }
        sql.append(" order by occurred_at, id limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(LedgerRepository::row).list();
    }

    /** A platform's entries with ids in (after, upTo], oldest first. */
    public List<LedgerEntry> between(String platform, long after, long upTo) {
        return jdbc.sql("select " + COLUMNS + " from ledger_entry where platform_id = ? and id > ? and id <= ? "
                + "order by id").params(platform, after, upTo).query(LedgerRepository::row).list();
    }

    public long highWater(String platform) {
        return jdbc.sql("select coalesce(max(id), 0) from ledger_entry where platform_id = ?").params(platform)
                .query(Long.class).single();
    }

    /** The sum of a run's entries of one kind. */
    public BigDecimal total(long runId, String kind) {
        return jdbc.sql("select coalesce(sum(amount), 0) from ledger_entry where run_id = ? and kind = ?")
                .params(runId, kind).query(BigDecimal.class).single();
    }

    public long count(long runId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where run_id = ? and kind = ?").params(runId, kind)
                .query(Long.class).single();
    }

    /** The last balance read from a platform and the ledger id it accounts up to. */
    public record Snapshot(BigDecimal balance, long highWater, Instant checkedAt) {
    }

    public Optional<Snapshot> snapshot(String platform) {
        return jdbc.sql("select balance, ledger_high_water, checked_at from balance_snapshot where platform_id = ?")
                .params(platform).query((rs, n) -> new Snapshot(rs.getBigDecimal(1), rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant())).optional();
    }

    public void saveSnapshot(String platform, Snapshot snapshot) {
        int updated = jdbc.sql("update balance_snapshot set balance = ?, ledger_high_water = ?, checked_at = ? "
                        + "where platform_id = ?")
                .params(snapshot.balance(), snapshot.highWater(), utc(snapshot.checkedAt()), platform).update();
        if (updated == 0) {
            jdbc.sql("insert into balance_snapshot (platform_id, balance, ledger_high_water, checked_at) "
                            + "values (?, ?, ?, ?)")
                    .params(platform, snapshot.balance(), snapshot.highWater(), utc(snapshot.checkedAt())).update();
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static LedgerEntry row(ResultSet rs, int n) throws SQLException {
        long run = rs.getLong("run_id");
        Long runId = rs.wasNull() ? null : run;
        return new LedgerEntry(rs.getLong("id"), rs.getString("entry_key"), rs.getString("platform_id"), runId,
                rs.getString("kind"), rs.getBigDecimal("amount"), rs.getString("currency").trim(),
                rs.getString("platform_order_no"), rs.getString("source"),
                rs.getObject("occurred_at", OffsetDateTime.class).toInstant(), rs.getString("note"));
    }
}
