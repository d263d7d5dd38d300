package cardwatch.probes.icp;

import cardwatch.probes.ProbeContext;
import cardwatch.probes.http.HttpAnswer;
import cardwatch.probes.http.TransportException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A commercial ICP API described by configuration: a URL template with {@code {domain}} and where each field is
 * in its JSON answer (JSON pointers), e.g. {@code recorded: /data/isRecorded}, {@code unit-name: /data/unitName}.
 *
 * @param urlTemplate  the lookup URL, {@code {domain}} filled in
 * @param fields       pointer per field: recorded, unit-name, nature-name, main-licence, service-licence, domain,
 *                     update-record-time
 */
public record JsonRegistry(String urlTemplate, Map<String, String> fields) implements IcpRegistry {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return "json";
    }

    @Override
    public Lookup lookup(String domain, ProbeContext context) {
        HttpAnswer answer;
        try {
            answer = context.http().get(URI.create(urlTemplate.replace("{domain}",
                    URLEncoder.encode(domain, StandardCharsets.UTF_8))));
        } catch (TransportException e) {
            return new Lookup.Failed("registry: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = answer.ok() ? JSON.readTree(answer.body()) : null;
        } catch (JacksonException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new Lookup.Failed("registry: HTTP " + answer.status() + ", no JSON answer");
        }
        JsonNode recorded = root.at(fields.getOrDefault("recorded", "/data/isRecorded"));
        if (recorded.isMissingNode()) {
            return new Lookup.Failed("registry: no '" + fields.getOrDefault("recorded", "/data/isRecorded")
                    + "' in its answer");
        }
        if (!recorded.asBoolean(false)) {
            return new Lookup.NotRecorded("the registry has no record for " + domain);
        }
        return new Lookup.Found(new IcpRecord(text(root, "unit-name", "/data/unitName"),
                text(root, "nature-name", "/data/natureName"), text(root, "main-licence", "/data/mainLicence"),
                text(root, "service-licence", "/data/serviceLicence"), text(root, "domain", "/data/domain"),
                text(root, "update-record-time", "/data/updateRecordTime")));
    }

    private String text(JsonNode root, String field, String fallback) {
        JsonNode node = root.at(fields.getOrDefault(field, fallback));
        return node.isMissingNode() || node.isNull() ? "" : node.asString("");
    }
}
