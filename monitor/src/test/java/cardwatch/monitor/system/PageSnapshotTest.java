package cardwatch.monitor.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageSnapshotTest {

    @Test
    void aScoreRoundedTheOtherWayIsTheSamePage() {
        assertThat(PageSnapshot.firstDifferingLine("<p>\n<span>68.1 分</span> 68.1–78.4\n</p>",
                "<p>\n<span>68.2 分</span> 68.2–78.4\n</p>")).isNull();
    }

    @Test
    void aFigureThatRoundsToAWholeNumberIsTheSameAsItsNeighbour() {
        assertThat(PageSnapshot.firstDifferingLine("<li><span>监测天数</span><span>0</span></li>",
                "<li><span>监测天数</span><span>0.001</span></li>")).isNull();
        assertThat(PageSnapshot.firstDifferingLine("<span>0</span>", "<span>0.002</span>")).isNotNull();
    }

    @Test
    void aDecimalTwoUnitsAwayOrOtherTextIsAnotherPage() {
        assertThat(PageSnapshot.firstDifferingLine("<p>\n<span>68.1 分</span>\n</p>", "<p>\n<span>68.3 分</span>\n</p>"))
                .startsWith("line 2").contains("68.3");
        assertThat(PageSnapshot.firstDifferingLine("<dd>16</dd>", "<dd>17</dd>")).startsWith("line 1");
        assertThat(PageSnapshot.firstDifferingLine("<dd>1.0 秒</dd>", "<dd>1.0 分钟</dd>")).isNotNull();
        assertThat(PageSnapshot.firstDifferingLine("a\nb", "a\nb\nc")).startsWith("line 3");
    }
}
