package cardwatch.monitor.site;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ranking's order and the places it shows. Platforms are ordered: those that lost a buyer's money in 30 days after
 * all that did not; graded ones by score; ungraded ("?") by 30-day success; never-reached ones last. A place is shared
 * by platforms whose score ranges overlap, directly or through one another (each range is the score with purchase
 * reliability anywhere in its 95 % interval): a strict order is shown only where the ranges are apart, so no place
 * claims a difference the purchases cannot carry. Shared places are marked "差别不显著".
 */
final class Ranking {

    private Ranking() {
    }

    static final Comparator<SiteSnapshot.Row> ORDER = Comparator
            .comparing(SiteSnapshot.Row::unverified)
            .thenComparing((SiteSnapshot.Row row) -> row.score() == null)
            .thenComparing(SiteSnapshot.Row::lostMoney)
            .thenComparing(SiteSnapshot.Row::score, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(row -> row.success30d().value(), Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(SiteSnapshot.Row::id);

    /** The rows in ranking order, each with its place; ungraded and unverified platforms get none (0). */
    static List<SiteSnapshot.Row> rank(List<SiteSnapshot.Row> rows) {
        List<SiteSnapshot.Row> sorted = new ArrayList<>(rows);
        sorted.sort(ORDER);
        List<SiteSnapshot.Row> ranked = new ArrayList<>(sorted.size());
        int start = 0;
        while (start < sorted.size()) {
            SiteSnapshot.Row first = sorted.get(start);
            if (first.score() == null || first.unverified()) {
                ranked.add(first.ranked(0, false));
                start++;
                continue;
            }
            int end = start + 1;
            double low = first.score();
            while (end < sorted.size() && joins(sorted.get(end), first.lostMoney(), low)) {
                low = Math.min(low, sorted.get(end).score());
                end++;
            }
            for (int i = start; i < end; i++) {
                ranked.add(sorted.get(i).ranked(start + 1, end - start > 1));
            }
            start = end;
        }
        return ranked;
    }

    /** Whether a row's range reaches the group's lowest score, in the same money tier. */
    private static boolean joins(SiteSnapshot.Row row, boolean lostMoney, double low) {
        return row.score() != null && !row.unverified() && row.lostMoney() == lostMoney
                && (row.scoreHigh() == null ? row.score() : row.scoreHigh()) >= low;
    }
}
