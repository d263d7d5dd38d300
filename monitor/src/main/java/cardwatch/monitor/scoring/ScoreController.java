package cardwatch.monitor.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/platforms/{id}/score}: the score, grade, components with their inputs and up to 90 days
 * of history. {@code GET /api/v1/score/method}: how the score is computed, in Chinese and English.
 */
@RestController
class ScoreController {

    static final int HISTORY_DAYS = 90;

    private final ScoreService scores;
    private final String method;

    ScoreController(ScoreService scores) {
        this.scores = scores;
        try (InputStream in = ScoreController.class.getResourceAsStream("/score-method.md")) {
            this.method = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping("/api/v1/platforms/{id}/score")
    ResponseEntity<?> score(@PathVariable("id") String id) {
        // the latest computation (after every run and every few minutes): a request reads, it does not recompute
        return scores.latest(id).or(() -> scores.compute(id)).<ResponseEntity<?>>map(score -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("platform", id);
            body.put("score", score.score());
            body.put("grade", score.grade());
            boolean verified = scores.verified(id);
            body.put("verified", verified);
            body.put("grade_label", !verified ? "尚未连通，未验证 / never reached, unverified"
                    : "?".equals(score.grade()) ? "证据不足 / insufficient evidence" : score.grade());
            body.put("components", score.components());
            body.put("history", scores.evidence().history(id, HISTORY_DAYS));
            body.put("method", "/api/v1/score/method");
            return ResponseEntity.ok(body);
        }).orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(
                HttpStatus.NOT_FOUND, "no platform with id '" + id + "'")));
    }

    @GetMapping(path = "/api/v1/score/method", produces = "text/markdown;charset=UTF-8")
    ResponseEntity<String> method() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/markdown;charset=UTF-8")).body(method);
    }
}
