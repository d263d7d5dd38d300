package cardwatch.probes.reviews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Publication times as sources write them, read in China time against the moment the complaint was seen. */
class PublishedTimeTest {

    private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    /** 2026-12-02 20:00 in China. */
    private static final Instant SEEN = Instant.parse("2026-12-02T12:00:00Z");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            1732345678                       | 2024-11-23T07:07:58Z
            1732345678123                    | 2024-11-23T07:07:58.123Z
            2025-11-23T10:00:00+08:00        | 2025-11-23T02:00:00Z
            2025-11-23                       | 2025-11-22T16:00:00Z
            2025-11-23 于黑猫投诉平台发起     | 2025-11-22T16:00:00Z
            2025/11/23 12:30                 | 2025-11-23T04:30:00Z
            2025年11月23日                   | 2025-11-22T16:00:00Z
            ２０２５年１１月２３日 ０８:０５  | 2025-11-23T00:05:00Z
            11月23日                         | 2026-11-22T16:00:00Z
            11-23 12:30                      | 2026-11-23T04:30:00Z
            12月30日                         | 2025-12-29T16:00:00Z
            刚刚                             | 2026-12-02T12:00:00Z
            5分钟前                          | 2026-12-02T11:55:00Z
            3小时前                          | 2026-12-02T09:00:00Z
            三小时前                         | 2026-12-02T09:00:00Z
            半小时前                         | 2026-12-02T11:30:00Z
            2天前                            | 2026-11-30T12:00:00Z
            两周前                           | 2026-11-18T12:00:00Z
            昨天 12:30                       | 2026-12-01T04:30:00Z
            前天                             | 2026-11-29T16:00:00Z
            今天 09:15                       | 2026-12-02T01:15:00Z
            2027-01-01                       | none
            yesterday                        | none
            2025-13-40                       | none
            1999-01-01                       | none
            ''                               | none
            """)
    void readsTheFormsSourcesUse(String text, String expected) {
        assertThat(PublishedTime.parse(text, SEEN, CHINA).map(Instant::toString).orElse(null))
                .isEqualTo(expected == null ? null : Instant.parse(expected).toString());
    }
}
