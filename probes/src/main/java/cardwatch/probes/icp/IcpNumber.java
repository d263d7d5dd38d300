package cardwatch.probes.icp;

/**
 * A filing number found on a page.
 *
 * @param kind      备案, 经营许可证, 公网安备 or 增值电信业务经营许可证
 * @param province  the province abbreviation written before it (京, 粤 …), as written
 * @param digits    the number's digits
 * @param suffix    the {@code -N} site suffix of a 备案 number, or empty
 * @param text      the number as it reads, normalised (e.g. 京ICP备12345678号-1)
 */
public record IcpNumber(Kind kind, String province, String digits, String suffix, String text) {

    /** What kind of number. */
    public enum Kind {
        /** {@code <省>ICP备<digits>号[-N]}. */
        BEIAN,
        /** {@code <省>ICP证<digits>号}. */
        LICENCE,
        /** {@code <省>公网安备<digits>号}. */
        GONGAN,
        /** {@code <省>B2-<digits>}. */
        TELECOM
    }

    /** The number without its {@code -N} suffix: what a registry record is compared on. */
    public String base() {
        return switch (kind) {
            case BEIAN -> province + "ICP备" + digits + "号";
            case LICENCE -> province + "ICP证" + digits + "号";
            case GONGAN -> province + "公网安备" + digits + "号";
            case TELECOM -> province + "B2-" + digits;
        };
    }
}
