package cardwatch.monitor.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The delivery-time chart's geometry, drawn by the template as inline SVG: one polyline for the daily median and
 * one for the daily p95, over the days shown, against a y axis rounded up to a readable maximum. Days without
 * deliveries break the lines (each segment is its own polyline).
 *
 * @param width    the drawing's width in SVG units
 * @param height   its height
 * @param p50      polylines' points attributes for the median
 * @param p95      the same for p95
 * @param ticks    y-axis ticks: position and label (seconds)
 * @param hasData  false when no day has a delivery: the template says so instead of drawing empty axes
 */
public record DeliveryChart(int width, int height, List<String> p50, List<String> p95, List<Tick> ticks,
        boolean hasData) {

    static final int WIDTH = 720;
    static final int HEIGHT = 200;
    static final int LEFT = 48;
    static final int BOTTOM = 20;

    public record Tick(double y, String label) {
    }

    static DeliveryChart of(List<SiteSnapshot.DeliveryDay> days) {
        double max = days.stream().map(d -> d.p95Seconds() != null ? d.p95Seconds() : d.p50Seconds())
                .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(0);
        if (max == 0) {
            return new DeliveryChart(WIDTH, HEIGHT, List.of(), List.of(), List.of(), false);
        }
        double top = niceCeiling(max);
        double plotHeight = HEIGHT - BOTTOM - 10;
        double step = days.size() > 1 ? (double) (WIDTH - LEFT - 10) / (days.size() - 1) : 0;
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double value = top * i / 4;
            ticks.add(new Tick(round(10 + plotHeight * (1 - value / top)), format(value)));
        }
        return new DeliveryChart(WIDTH, HEIGHT, lines(days, true, top, step, plotHeight),
                lines(days, false, top, step, plotHeight), ticks, true);
    }

    private static List<String> lines(List<SiteSnapshot.DeliveryDay> days, boolean median, double top, double step,
            double plotHeight) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < days.size(); i++) {
            Double value = median ? days.get(i).p50Seconds() : days.get(i).p95Seconds();
            if (value == null) {
                flush(lines, line);
                continue;
            }
            double x = LEFT + step * i;
            double y = 10 + plotHeight * (1 - value / top);
            line.append(line.isEmpty() ? "" : " ").append(round(x)).append(',').append(round(y));
        }
        flush(lines, line);
        return lines;
    }

    private static void flush(List<String> lines, StringBuilder line) {
        if (!line.isEmpty()) {
            String points = line.toString();
            // a single day is drawn as a short flat stroke so that it shows
            lines.add(points.contains(" ") ? points : points + " " + shift(points));
            line.setLength(0);
        }
    }

    private static String shift(String point) {
        String[] xy = point.split(",");
        return round(Double.parseDouble(xy[0]) + 3) + "," + xy[1];
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= value) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String format(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds).replaceAll("\\.?0+$", "") + " s";
    }
}
