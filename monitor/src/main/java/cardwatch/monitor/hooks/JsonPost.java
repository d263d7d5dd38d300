package cardwatch.monitor.hooks;

import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs a JSON document to a robot's URL. Robots (DingTalk, WeCom, Feishu) answer HTTP 200 even when they refuse:
 * a non-zero code field in the answer is a refusal ({@link HookRefused}: a revoked or mistyped robot, a signature or
 * keyword it will not take, dead-lettered when it lasts), except the codes that say "later" (their rate limits,
 * "system busy"), which are retried like a 429. Messages never contain the URL: it holds the robot's token.
 */
public final class JsonPost {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType TYPE = MediaType.get("application/json; charset=utf-8");

    private JsonPost() {
    }

    /** A receiver that answers by its HTTP status alone: any 2xx is taken. */
    public static void send(OkHttpClient client, String url, Object document, String channel) throws IOException {
        send(client, url, document, channel, null, java.util.Set.of());
    }

    /**
     * @param codeField the answer's status field ({@code errcode}, {@code code})
     * @param later     the codes of that field that mean "come back later" (rate limits, busy): retried, never
     *                  dead-lettered; any other non-zero code is a refusal
     */
    public static void send(OkHttpClient client, String url, Object document, String channel, String codeField,
            java.util.Set<Integer> later) throws IOException {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            throw new IOException("the " + channel + " URL is not an http(s) URL");
        }
        Request request = new Request.Builder().url(parsed)
                .post(RequestBody.create(JSON.writeValueAsString(document), TYPE)).build();
        try (Response response = client.newCall(request).execute()) {
            String answer = response.body().string();
            if (HookRefused.refusal(response.code())) {
                throw new HookRefused(channel, response.code());
            }
            if (!response.isSuccessful()) {
                throw new IOException(channel + " answered HTTP " + response.code());
            }
            if (codeField == null) {
                return;
            }
            JsonNode code = JSON.readTree(answer.isBlank() ? "{}" : answer).path(codeField);
            if (!code.isMissingNode() && code.asInt() != 0) {
                if (later.contains(code.asInt())) {
                    throw new IOException(channel + " asks to come back later: " + codeField + " " + code.asInt());
                }
                throw new HookRefused(channel, codeField + " " + code.asInt());
            }
        } catch (JacksonException e) {
            throw new IOException(channel + "'s answer is not JSON", e);
        }
    }
}
