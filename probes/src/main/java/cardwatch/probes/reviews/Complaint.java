package cardwatch.probes.reviews;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A complaint as a source shows it, already reduced to plain text: no markup survives.
 *
 * @param source        the source's name
 * @param itemId        the source's own id for it, or null (then the content hash identifies it)
 * @param title         its title
 * @param body          its text
 * @param author        who wrote it (for 黑猫: the 投诉对象 is in {@code target})
 * @param publishedAt   when, as the source writes it
 * @param url           where to read it
 * @param sourceStatus  the source's own status (黑猫: 3 待分配, 4 处理中, 6 已回复, 7 已完成), or empty
 */
public record Complaint(String source, String itemId, String title, String body, String author, String publishedAt,
        String url, String sourceStatus) {

    /** Identifies the complaint within its source: its id, else a hash of what it says. */
    public String key() {
        return itemId != null && !itemId.isBlank() ? itemId : "sha256:" + contentHash();
    }

    /** A hash of the content: an edit changes it. */
    public String contentHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((title + "\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resolution a source status means (黑猫: 6 已回复 → replied, 7 已完成 → resolved), or null. */
    public String resolutionFromSource() {
        return switch (sourceStatus == null ? "" : sourceStatus) {
            case "3", "4" -> "open";
            case "6" -> "replied";
            case "7" -> "resolved";
            default -> null;
        };
    }
}
