package org.mge4j.display;

import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.mge4j.Tensor;
import org.mge4j.display.renderers.Units;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Histograms of tensor values (weights, gradients, activations), overlaid when there are several:
 * <pre>{@code
 * Histogram.of("fc1.weight", model.fc1.weight).add("fc1.weight grad", model.fc1.weight.grad()).bins(60)
 * }</pre>
 * All series share the same bins, spanning the smallest to the largest finite value; NaN and infinite values
 * are counted in the text form, not drawn.
 */
public final class Histogram implements Renderable {
    private final Map<String, float[]> series = new LinkedHashMap<>();
    private int bins = 50;
    private String title;
    private String xLabel = "value";
    private boolean logY;
    private int width = 640;
    private int height = 400;

    private Histogram() {
    }

    /** The histogram of one tensor's values. */
    public static Histogram of(Tensor t) {
        return new Histogram().add(t.name() == null ? "values" : t.name(), t);
    }

    /** The histogram of one tensor's values, under a name. */
    public static Histogram of(String name, Tensor t) {
        return new Histogram().add(name, t);
    }

    /** The histogram of plain values. */
    public static Histogram of(String name, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        Histogram h = new Histogram();
        h.series.put(name, f);
        return h;
    }

    /**
     * Adds a tensor's values as another series.
     *
     * @throws IllegalArgumentException when the tensor is null (a gradient before backward) or the name is taken
     */
    public Histogram add(String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("no tensor for '" + name + "' (a grad() is null until backward has run)");
        }
        if (series.containsKey(name)) {
            throw new IllegalArgumentException("a series named '" + name + "' is already in the histogram");
        }
        series.put(name, t.nd().castTo(DataType.FLOAT).dup('c').data().asFloat());
        return this;
    }

    /** Number of bins (default 50). */
    public Histogram bins(int bins) {
        if (bins < 1 || bins > 10_000) {
            throw new IllegalArgumentException("bins must be between 1 and 10000, got " + bins);
        }
        this.bins = bins;
        return this;
    }

    /** The chart's title. */
    public Histogram title(String title) {
        this.title = title;
        return this;
    }

    /** The x-axis label (default "value"). */
    public Histogram xLabel(String label) {
        this.xLabel = label;
        return this;
    }

    /** Counts on a logarithmic scale, for long tails. */
    public Histogram logY(boolean log) {
        this.logY = log;
        return this;
    }

    /** The picture's size in pixels (default 640 x 400). */
    public Histogram size(int width, int height) {
        this.width = width;
        this.height = height;
        return this;
    }

    /** The bin edges ({@code bins + 1} values) shared by all series. */
    public double[] edges() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float[] v : series.values()) {
            for (float x : v) {
                if (Float.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        } else if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        double[] e = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            e[i] = lo + (hi - lo) * i / bins;
        }
        return e;
    }

    /** The count in each bin of one series (the last bin includes its upper edge, as numpy's). */
    public long[] counts(String name) {
        float[] v = series.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no series named '" + name + "'; the series are " + series.keySet());
        }
        double[] e = edges();
        double lo = e[0];
        double width = (e[bins] - lo) / bins;
        long[] c = new long[bins];
        for (float x : v) {
            if (Float.isFinite(x)) {
                int b = (int) ((x - lo) / width);
                c[Math.max(0, Math.min(bins - 1, b))]++;
            }
        }
        return c;
    }

    /** The histogram as a PNG. */
    public Image png() {
        return Image.of(ChartImages.bitmap(toXChart()));
    }

    /** The histogram as SVG. */
    public Svg svg() {
        return ChartImages.svg(toXChart());
    }

    /** The histogram as an XChart chart (step areas over the shared bins). */
    public XYChart toXChart() {
        XYChart chart = ChartImages.xyChart(width, height, title, xLabel, "count");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setXAxisDecimalPattern("0.####");
        double[] e = edges();
        int colour = 0;
        for (String name : series.keySet()) {
            long[] c = counts(name);
            // a step series needs the right edge of the last bin too
            double[] xs = new double[bins + 1];
            double[] ys = new double[bins + 1];
            for (int i = 0; i <= bins; i++) {
                xs[i] = e[i];
                ys[i] = Math.max(logY ? 0.5 : 0, c[Math.min(i, bins - 1)]);
            }
            // translucent fills, so overlaid distributions stay visible
            java.awt.Color line = ChartImages.PALETTE[colour++ % ChartImages.PALETTE.length];
            chart.addSeries(name, xs, ys).setLineColor(line)
                    .setFillColor(new java.awt.Color(line.getRed(), line.getGreen(), line.getBlue(), 90));
        }
        return chart;
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        return ChartImages.bundle(toXChart(), toString(), context);
    }

    /** {@code Histogram: fc1.weight (16,000 values, mean 0.0001, std 0.0456, from -0.0791 to 0.079), 50 bins}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Histogram");
        if (title != null && !title.isEmpty()) {
            sb.append(" \"").append(title).append('"');
        }
        sb.append(':');
        boolean first = true;
        for (Map.Entry<String, float[]> s : series.entrySet()) {
            double sum = 0;
            double sq = 0;
            long n = 0;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float x : s.getValue()) {
                if (Float.isFinite(x)) {
                    sum += x;
                    sq += (double) x * x;
                    n++;
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            long bad = s.getValue().length - n;
            double mean = n == 0 ? Double.NaN : sum / n;
            double std = n == 0 ? Double.NaN : Math.sqrt(Math.max(0, sq / n - mean * mean));
            sb.append(first ? " " : ", ").append(s.getKey()).append(" (").append(Units.count(s.getValue().length))
                    .append(" values");
            if (n > 0) {
                sb.append(", mean ").append(Units.number(mean)).append(", std ").append(Units.number(std))
                        .append(", from ").append(Units.number(lo)).append(" to ").append(Units.number(hi));
            }
            if (bad > 0) {
                sb.append(", ").append(Units.count(bad)).append(" NaN or inf");
            }
            sb.append(')');
            first = false;
        }
        return sb.append(", ").append(bins).append(" bins").toString();
    }
}
