package cardwatch.monitor.reviews;

import cardwatch.monitor.platform.PlatformCatalog;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/platforms/{id}/reviews?page=0&size=20}: complaints, newest first, as plain text. */
@RestController
class ReviewsController {

    static final int MAX_SIZE = 200;

    private final PlatformCatalog catalog;
    private final ComplaintRepository complaints;

    ReviewsController(PlatformCatalog catalog, ComplaintRepository complaints) {
        this.catalog = catalog;
        this.complaints = complaints;
    }

    @GetMapping("/api/v1/platforms/{id}/reviews")
    ResponseEntity<?> reviews(@PathVariable("id") String id, @RequestParam(name = "page", defaultValue = "0") int page,
            @RequestParam(name = "size", defaultValue = "20") int size) {
        if (catalog.find(id).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.NOT_FOUND, "no platform with id '" + id + "'"));
        }
        if (page < 0 || size < 1 || size > MAX_SIZE) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "page must be 0 or more and size between 1 and " + MAX_SIZE));
        }
        return ResponseEntity.ok(Map.of("page", page, "size", size, "total", complaints.count(id), "items",
                complaints.page(id, page, size)));
    }
}
