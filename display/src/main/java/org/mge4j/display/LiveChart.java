package org.mge4j.display;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.knowm.xchart.XYChart;

/**
 * Training curves that redraw in place while a loop runs:
 * <pre>{@code
 * var live = LiveChart.create().xLabel("step");
 * for (...) {
 *     live.add("loss", step, loss);                  // panel "loss"
 *     live.add("accuracy", "train", step, trainAcc); // panel "accuracy", two series
 *     live.add("accuracy", "test", step, testAcc);
 * }
 * live.close();                                      // draws the last points
 * }</pre>
 * In a notebook the chart appears at the first point and is redrawn ({@code update_display_data}) at most every
 * half second. Where outputs cannot be redrawn (jupyter console) it is shown once, by {@link #close()}; without a
 * notebook nothing is shown. Panels sit side by side, two to a row.
 */
public final class LiveChart implements Renderable, AutoCloseable {
    private final Map<String, Map<String, Points>> panels = new LinkedHashMap<>();
    private String title;
    private String xLabel = "step";
    private int perRow = 2;
    private long minIntervalNanos = Duration.ofMillis(500).toNanos();
    private LongSupplier clock = System::nanoTime;
    private OutputMode mode;
    private String displayId;
    private long lastDraw;
    private boolean dirty;
    private boolean closed;

    /** Growable x and y values of one series. */
    private static final class Points {
        double[] x = new double[64];
        double[] y = new double[64];
        int size;

        void add(double a, double b) {
            if (size == x.length) {
                x = Arrays.copyOf(x, size * 2);
                y = Arrays.copyOf(y, size * 2);
            }
            x[size] = a;
            y[size] = b;
            size++;
        }
    }

    private LiveChart() {
    }

    /** An empty live chart. */
    public static LiveChart create() {
        return new LiveChart();
    }

    /** An empty live chart with a title over its panels' names. */
    public static LiveChart create(String title) {
        LiveChart c = new LiveChart();
        c.title = title;
        return c;
    }

    /** The x-axis label of every panel (default "step"). */
    public LiveChart xLabel(String label) {
        this.xLabel = label;
        return this;
    }

    /** Panels per row (default 2). */
    public LiveChart perRow(int perRow) {
        this.perRow = Math.max(1, perRow);
        return this;
    }

    /** The shortest time between redraws (default 500 ms; a redraw encodes a PNG). */
    public LiveChart every(Duration interval) {
        this.minIntervalNanos = interval.toNanos();
        return this;
    }

    /** Replaces the clock (nanoseconds), for tests. */
    LiveChart clock(LongSupplier nanos) {
        this.clock = nanos;
        return this;
    }

    /** Adds a point to the series of the same name, in its own panel. */
    public LiveChart add(String series, double x, double y) {
        return add(series, series, x, y);
    }

    /** Adds a point to a series in a panel (series sharing a panel share its axes). */
    public LiveChart add(String panel, String series, double x, double y) {
        synchronized (this) {
            panels.computeIfAbsent(panel, k -> new LinkedHashMap<>()).computeIfAbsent(series, k -> new Points())
                    .add(x, y);
            dirty = true;
        }
        redraw(false);
        return this;
    }

    /** Draws the last points; a chart that could not be redrawn in place is shown now. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        redraw(true);
        closed = true;
    }

    private void redraw(boolean last) {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        if (mode == null) {
            mode = OutputMode.current();
        }
        DisplaySink sink = Display.sink();
        if (mode == OutputMode.IN_PLACE && sink != null) {
            if (displayId == null || (dirty && (last || now - lastDraw >= minIntervalNanos))) {
                lastDraw = now;
                dirty = false;
                MimeBundle b = Renderers.render(this);
                if (displayId == null) {
                    displayId = sink.display(b);
                } else {
                    sink.update(displayId, b);
                }
            }
        } else if (last && mode == OutputMode.TEXT) {
            Display.display(this);
        }
    }

    /** One line chart per panel. */
    public List<LineChart> charts() {
        List<LineChart> out = new ArrayList<>();
        boolean several = panels.size() > 1;
        synchronized (this) {
            for (Map.Entry<String, Map<String, Points>> p : panels.entrySet()) {
                LineChart c = LineChart.create().xLabel(xLabel)
                        .title(title == null ? p.getKey() : title + ": " + p.getKey());
                if (several) {
                    c.size(480, 320);
                }
                p.getValue().forEach((name, pts) -> c.add(name, Arrays.copyOf(pts.x, pts.size),
                        Arrays.copyOf(pts.y, pts.size)));
                out.add(c);
            }
        }
        return out;
    }

    /** All panels as one picture. */
    public BufferedImage toBufferedImage() {
        List<XYChart> charts = new ArrayList<>();
        for (LineChart c : charts()) {
            charts.add(c.toXChart());
        }
        if (charts.isEmpty()) {
            charts.add(LineChart.create().title(title).xLabel(xLabel).toXChart());
        }
        return ChartImages.bitmap(charts, perRow);
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        MimeBundle.Builder b = MimeBundle.builder();
        if (context.wants(MimeBundle.IMAGE_PNG)) {
            Image img = Image.of(toBufferedImage());
            b.put(MimeBundle.IMAGE_PNG, img.base64());
        }
        return b.text(toString()).build();
    }

    /** {@code LiveChart: loss: loss (120 points, last 0.31, min 0.29 at 112); accuracy: train (...), test (...)}. */
    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder("LiveChart");
        if (title != null) {
            sb.append(" \"").append(title).append('"');
        }
        sb.append(':');
        if (panels.isEmpty()) {
            return sb.append(" no data").toString();
        }
        boolean first = true;
        for (Map.Entry<String, Map<String, Points>> p : panels.entrySet()) {
            sb.append(first ? " " : "; ").append(p.getKey()).append(": ");
            boolean firstSeries = true;
            for (Map.Entry<String, Points> s : p.getValue().entrySet()) {
                Points pts = s.getValue();
                sb.append(firstSeries ? "" : ", ").append(s.getKey()).append(" (").append(LineChart.describe(
                        new double[][] {Arrays.copyOf(pts.x, pts.size), Arrays.copyOf(pts.y, pts.size)})).append(')');
                firstSeries = false;
            }
            first = false;
        }
        return sb.toString();
    }
}
