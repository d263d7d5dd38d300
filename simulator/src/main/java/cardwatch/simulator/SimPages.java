package cardwatch.simulator;

/** The pages a simulated site shows people: its home page, which the availability probe fetches. */
final class SimPages {

    /** What every simulated home page shows: the availability probe's keyword in the demo. */
    static final String KEYWORD = "自动发货";

    private SimPages() {
    }

    /** The home page; its charset is the site's, named in the Content-Type header. */
    static SimAnswer home(String name, String footer) {
        return SimAnswer.html("<!DOCTYPE html><html lang=\"zh-CN\"><head><title>" + name
                + "</title></head><body><h1>" + name + " · 话费卡密充值</h1><p>" + KEYWORD
                + " · 7×24 小时</p>" + (footer == null ? "" : footer) + "</body></html>");
    }
}
