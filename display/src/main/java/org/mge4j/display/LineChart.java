package org.mge4j.display;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.mge4j.display.renderers.Units;

/**
 * Line plots of training curves, shown as a PNG (or SVG with {@link #svg()} or {@code render(chart,
 * "image/svg+xml")}):
 * <pre>{@code
 * LineChart.of("train loss", losses).add("val loss", valLosses).xLabel("epoch").title("Loss")
 * }</pre>
 * Values are plotted against their index (0, 1, 2, ...) unless x values are given. Non-finite values leave gaps.
 */
public final class LineChart implements Renderable {
    private final Map<String, double[][]> series = new LinkedHashMap<>();
    private String title;
    private String xLabel = "step";
    private String yLabel;
    private boolean logY;
    private int width = 640;
    private int height = 400;

    private LineChart() {
    }

    /** An empty chart; add series with {@link #add}. */
    public static LineChart create() {
        return new LineChart();
    }

    /** A chart of one series plotted against its index. */
    public static LineChart of(String name, List<? extends Number> values) {
        return new LineChart().add(name, values);
    }

    /** A chart of one series plotted against its index. */
    public static LineChart of(String name, double[] values) {
        return new LineChart().add(name, values);
    }

    /** A chart with one series per entry, each plotted against its index. */
    public static LineChart of(Map<String, ? extends List<? extends Number>> curves) {
        LineChart c = new LineChart();
        curves.forEach(c::add);
        return c;
    }

    /** Adds a series plotted against its index. */
    public LineChart add(String name, List<? extends Number> values) {
        return add(name, toArray(values));
    }

    /** Adds a series plotted against its index. */
    public LineChart add(String name, double[] values) {
        double[] xs = new double[values.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
        }
        return add(name, xs, values);
    }

    /** Adds a series with its x values. */
    public LineChart add(String name, List<? extends Number> xs, List<? extends Number> ys) {
        return add(name, toArray(xs), toArray(ys));
    }

    /**
     * Adds a series with its x values.
     *
     * @throws IllegalArgumentException when the lengths differ or the name is taken
     */
    public LineChart add(String name, double[] xs, double[] ys) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("series '" + name + "' has " + xs.length + " x values and "
                    + ys.length + " y values; give one x per y");
        }
        if (series.containsKey(name)) {
            throw new IllegalArgumentException("a series named '" + name + "' is already in the chart");
        }
        series.put(name, new double[][] {xs.clone(), ys.clone()});
        return this;
    }

    /** The chart's title. */
    public LineChart title(String title) {
        this.title = title;
        return this;
    }

    /** The x-axis label (default "step"). */
    public LineChart xLabel(String label) {
        this.xLabel = label;
        return this;
    }

    /** The y-axis label (default none). */
    public LineChart yLabel(String label) {
        this.yLabel = label;
        return this;
    }

    /** Plots y on a logarithmic scale (for losses spanning decades); non-positive values are left out. */
    public LineChart logY(boolean log) {
        this.logY = log;
        return this;
    }

    /** The picture's size in pixels (default 640 x 400). */
    public LineChart size(int width, int height) {
        if (width < 100 || height < 80) {
            throw new IllegalArgumentException("a chart needs at least 100 x 80 pixels, got " + width + " x " + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** The names of the series, in the order added. */
    public List<String> seriesNames() {
        return List.copyOf(series.keySet());
    }

    /** The chart as a PNG. */
    public Image png() {
        return Image.of(ChartImages.bitmap(toXChart()));
    }

    /** The chart as SVG. */
    public Svg svg() {
        return ChartImages.svg(toXChart());
    }

    /** The chart as an XChart chart, to style further or to save in other formats. */
    public XYChart toXChart() {
        XYChart chart = ChartImages.xyChart(width, height, title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setYAxisLogarithmic(logY);
        if (series.isEmpty()) {
            chart.addSeries("(no data)", new double[] {0}, new double[] {0});
            chart.getStyler().setLegendVisible(true);
            return chart;
        }
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = logY ? positive(e.getValue()) : e.getValue();
            if (xy[0].length == 0) {
                xy = new double[][] {{0}, {logY ? 1 : 0}};
            }
            chart.addSeries(e.getKey(), xy[0], xy[1]);
        }
        return chart;
    }

    private static double[][] positive(double[][] xy) {
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < xy[0].length; i++) {
            if (xy[1][i] > 0) {
                kept.add(new double[] {xy[0][i], xy[1][i]});
            }
        }
        double[][] out = new double[2][kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            out[0][i] = kept.get(i)[0];
            out[1][i] = kept.get(i)[1];
        }
        return out;
    }

    private static double[] toArray(List<? extends Number> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            Number n = values.get(i);
            out[i] = n == null ? Double.NaN : n.doubleValue();
        }
        return out;
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        return ChartImages.bundle(toXChart(), toString(), context);
    }

    /** {@code LineChart "Loss": train loss (20 points, last 0.3124, min 0.3011 at 17), val loss (...)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LineChart");
        if (title != null && !title.isEmpty()) {
            sb.append(" \"").append(title).append('"');
        }
        sb.append(':');
        if (series.isEmpty()) {
            return sb.append(" no data").toString();
        }
        boolean first = true;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            sb.append(first ? " " : ", ").append(e.getKey()).append(" (").append(describe(e.getValue())).append(')');
            first = false;
        }
        return sb.toString();
    }

    static String describe(double[][] xy) {
        double[] ys = xy[1];
        if (ys.length == 0) {
            return "no points";
        }
        int best = -1;
        for (int i = 0; i < ys.length; i++) {
            if (Double.isFinite(ys[i]) && (best < 0 || ys[i] < ys[best])) {
                best = i;
            }
        }
        return ys.length + (ys.length == 1 ? " point" : " points") + ", last " + Units.number(ys[ys.length - 1])
                + (best < 0 ? "" : ", min " + Units.number(ys[best]) + " at " + Units.number(xy[0][best]));
    }
}
