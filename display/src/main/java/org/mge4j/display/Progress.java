package org.mge4j.display;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;
import org.mge4j.Tensor;
import org.mge4j.data.DataLoader;
import org.mge4j.display.renderers.HtmlStyle;
import org.mge4j.display.renderers.Units;

/**
 * A progress bar for a loop, with rate, time left and a postfix such as the loss:
 * <pre>{@code
 * var bar = Progress.over(loader).desc("epoch " + epoch);
 * for (Batch b : bar) {
 *     ...
 *     bar.postfix("loss", loss);
 * }
 * }</pre>
 * In a notebook it is one output redrawn in place ({@code update_display_data}); in jupyter console or a terminal,
 * one line rewritten with a carriage return on stderr; with no notebook and no terminal (tests, pipes) it prints
 * nothing. Redraws happen at most every 100 ms and once at the end. The count advances when the loop asks for the
 * next item, so it counts finished iterations.
 *
 * <pre>{@code
 * epoch 1:  45%|█████████           | 422/938 [00:02<00:03, 180.25it/s, loss=0.3124]
 * }</pre>
 *
 * @param <T> the items
 */
public final class Progress<T> implements Iterable<T>, AutoCloseable {
    private static final int BAR_CHARS = 20;
    private static final String BLOCKS = " ▏▎▍▌▋▊▉█";

    private final Iterable<T> items;
    private final long total;
    private final Map<String, String> postfix = new LinkedHashMap<>();
    private String desc = "";
    private String unit = "it";
    private long minIntervalNanos = Duration.ofMillis(100).toNanos();
    private LongSupplier clock = System::nanoTime;

    private long n;
    private long start = -1;
    private long lastDraw;
    private boolean closed;
    private boolean finishing;
    private OutputMode mode;
    private String displayId;
    private int lastTextLength;

    private Progress(Iterable<T> items, long total) {
        this.items = items;
        this.total = total;
    }

    /**
     * A bar over the items of a loop. The total is known for collections, arrays and {@link DataLoader}s
     * ({@code numBatches()}); for other iterables the bar counts without a percentage.
     */
    public static <T> Progress<T> over(Iterable<T> items) {
        long total = items instanceof java.util.Collection<?> c ? c.size()
                : items instanceof DataLoader d ? d.numBatches() : -1;
        return new Progress<>(items, total);
    }

    /** A bar over the items of a loop whose length is known to the caller. */
    public static <T> Progress<T> over(Iterable<T> items, long total) {
        return new Progress<>(items, total);
    }

    /** A bar over {@code 0 .. n-1}. */
    public static Progress<Integer> range(int n) {
        return new Progress<>(() -> java.util.stream.IntStream.range(0, n).iterator(), n);
    }

    /** A bar advanced by hand with {@link #update(long)}, for loops that are not for-each loops; close it at the end. */
    public static Progress<Void> manual(long total) {
        return new Progress<>(null, total);
    }

    /** The text before the bar, e.g. {@code "epoch 3"}. */
    public Progress<T> desc(String desc) {
        this.desc = desc == null ? "" : desc;
        return this;
    }

    /** What one item is called in the rate (default "it": {@code 180.25it/s}). */
    public Progress<T> unit(String unit) {
        this.unit = unit;
        return this;
    }

    /** Shows {@code name=value} after the rate; a number or one-element tensor is shown with 4 digits. */
    public Progress<T> postfix(String name, Object value) {
        postfix.put(name, format(value));
        return this;
    }

    /** Replaces all postfix values. */
    public Progress<T> postfix(Map<String, ?> values) {
        postfix.clear();
        values.forEach(this::postfix);
        return this;
    }

    /** The shortest time between redraws (default 100 ms). */
    public Progress<T> every(Duration interval) {
        this.minIntervalNanos = interval.toNanos();
        return this;
    }

    /** Replaces the clock (nanoseconds), for tests. */
    Progress<T> clock(LongSupplier nanos) {
        this.clock = nanos;
        return this;
    }

    /** Items finished so far. */
    public long count() {
        return n;
    }

    /** The total, or -1 when unknown. */
    public long total() {
        return total;
    }

    @Override
    public Iterator<T> iterator() {
        if (items == null) {
            throw new IllegalStateException("a manual progress bar has no items; call update(n) and close()");
        }
        Iterator<T> it = items.iterator();
        begin();
        return new Iterator<>() {
            private boolean inBody;

            @Override
            public boolean hasNext() {
                finishItem();
                boolean more = it.hasNext();
                if (!more) {
                    close();
                }
                return more;
            }

            @Override
            public T next() {
                finishItem();
                if (!it.hasNext()) {
                    close();
                    throw new NoSuchElementException();
                }
                inBody = true;
                return it.next();
            }

            private void finishItem() {
                if (inBody) {
                    inBody = false;
                    update(1);
                }
            }
        };
    }

    /** Advances the bar by {@code k} items. */
    public void update(long k) {
        begin();
        n += k;
        draw(false);
    }

    /** Draws the final state (and ends the text line); further updates are ignored. Called at the end of a loop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        begin();
        finishing = true;
        draw(true);
        closed = true;
        if (mode == OutputMode.TEXT) {
            err().println();
        }
    }

    private void begin() {
        if (start < 0) {
            start = clock.getAsLong();
            draw(true);
        }
    }

    private void draw(boolean force) {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        if (!force && now - lastDraw < minIntervalNanos) {
            return;
        }
        lastDraw = now;
        if (mode == null) {
            mode = OutputMode.current();
        }
        switch (mode) {
            case IN_PLACE -> {
                MimeBundle b = MimeBundle.builder().html(html(now)).text(text(now)).build();
                DisplaySink sink = Display.sink();
                if (sink == null) {
                    return;
                }
                if (displayId == null) {
                    displayId = sink.display(b);
                } else {
                    sink.update(displayId, b);
                }
            }
            case TEXT -> {
                String line = text(now);
                err().print("\r" + line + " ".repeat(Math.max(0, lastTextLength - line.length())));
                err().flush();
                lastTextLength = line.length();
            }
            default -> {
            }
        }
    }

    private static PrintStream err() {
        return System.err;
    }

    /** The bar as one line of text at time {@code now} (nanoseconds of the clock). */
    String text(long now) {
        double elapsed = Math.max(0, (now - start) / 1e9);
        double rate = elapsed > 0 && n > 0 ? n / elapsed : Double.NaN;
        StringBuilder sb = new StringBuilder();
        if (!desc.isEmpty()) {
            sb.append(desc).append(": ");
        }
        if (total > 0) {
            double frac = Math.min(1, (double) n / total);
            sb.append(String.format(Locale.ROOT, "%3d%%", (int) (frac * 100))).append('|').append(bar(frac))
                    .append("| ").append(n).append('/').append(total).append(" [").append(clock(elapsed)).append('<')
                    .append(Double.isNaN(rate) ? "?" : clock(Math.max(0, total - n) / rate));
        } else {
            sb.append(n).append(unit).append(" [").append(clock(elapsed));
        }
        sb.append(", ").append(rate(rate));
        postfix.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
        return sb.append(']').toString();
    }

    private String html(long now) {
        String line = text(now);
        StringBuilder sb = new StringBuilder(HtmlStyle.open())
                .append("<div style=\"display:flex;align-items:center;gap:8px;").append(HtmlStyle.MONO).append("\">");
        if (!desc.isEmpty()) {
            sb.append("<span>").append(Html.escape(desc)).append("</span>");
        }
        if (total > 0) {
            double frac = Math.min(1, (double) n / total);
            // a bar closed before its total (a break, an exception) turns orange
            String colour = finishing && n < total ? HtmlStyle.ORANGE : HtmlStyle.GREEN;
            sb.append("<span style=\"display:inline-block;width:240px;height:12px;border-radius:3px;overflow:hidden;"
                    + "background:rgba(127,127,127,0.25)\"><span style=\"display:block;height:100%;width:")
                    .append(String.format(Locale.ROOT, "%.1f", frac * 100)).append("%;background:").append(colour)
                    .append("\"></span></span>");
        }
        String stats = desc.isEmpty() ? line : line.substring(desc.length() + 2);
        if (total > 0) {
            stats = stats.replaceFirst("\\|[^|]*\\| ", " ");
        }
        sb.append("<span>").append(Html.escape(stats)).append("</span></div>");
        return sb.append(HtmlStyle.close()).toString();
    }

    private static String bar(double frac) {
        int eighths = (int) Math.round(frac * BAR_CHARS * 8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BAR_CHARS; i++) {
            int e = Math.max(0, Math.min(8, eighths - i * 8));
            sb.append(BLOCKS.charAt(e));
        }
        return sb.toString();
    }

    private String rate(double rate) {
        if (Double.isNaN(rate)) {
            return "?" + unit + "/s";
        }
        return rate >= 1 || rate == 0 ? String.format(Locale.ROOT, "%.2f%s/s", rate, unit)
                : String.format(Locale.ROOT, "%.2fs/%s", 1 / rate, unit);
    }

    private static String clock(double seconds) {
        long s = (long) seconds;     // truncated, as tqdm does: 00:02 until three seconds have passed
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    private static String format(Object v) {
        if (v instanceof Tensor t && t.size() == 1) {
            return Units.number(t.itemDouble());
        }
        if (v instanceof Double || v instanceof Float) {
            return Units.number(((Number) v).doubleValue());
        }
        return String.valueOf(v);
    }

    /** The current line, as the text form of the bar. */
    @Override
    public String toString() {
        return start < 0 ? "Progress(not started" + (total > 0 ? ", total " + total : "") + ")" : text(clock.getAsLong());
    }
}
