package cardwatch.monitor.icp;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The latest ICP check per platform. */
@Repository
public class IcpStatusRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the latest check found. */
    public record IcpCheck(String platform, String status, Map<String, String> facts, String evidence,
            Instant checkedAt) {
    }

    private final JdbcClient jdbc;

    IcpStatusRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void save(String platform, String status, Map<String, String> facts, String evidence, Instant at) {
        String json = JSON.writeValueAsString(facts);
        OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
        int updated = jdbc.sql("update icp_status set status = ?, facts = ?, evidence = ?, checked_at = ? "
                + "where platform_id = ?").params(status, json, evidence, when, platform).update();
        if (updated == 0) {
            jdbc.sql("insert into icp_status (platform_id, status, facts, evidence, checked_at) values (?, ?, ?, ?, ?)")
                    .params(platform, status, json, evidence, when).update();
        }
    }

    public Optional<IcpCheck> find(String platform) {
        return jdbc.sql("select platform_id, status, facts, evidence, checked_at from icp_status where platform_id = ?")
                .params(platform).query(IcpStatusRepository::check).optional();
    }

    /** Every platform's latest check. */
    public List<IcpCheck> all() {
        return jdbc.sql("select platform_id, status, facts, evidence, checked_at from icp_status")
                .query(IcpStatusRepository::check).list();
    }

    private static IcpCheck check(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new IcpCheck(rs.getString(1), rs.getString(2),
                JSON.readValue(rs.getString(3), new TypeReference<Map<String, String>>() {
                }), rs.getString(4), rs.getObject(5, OffsetDateTime.class).toInstant());
    }
}
