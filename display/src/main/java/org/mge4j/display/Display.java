package org.mge4j.display;

import java.util.List;
import java.util.UUID;
import org.mge4j.Tensor;
import org.mge4j.module.Module;

/**
 * The functions a notebook cell calls without imports (the kernel imports them statically):
 * <pre>{@code
 * display(model.stateDict());                 // a table below the cell
 * String id = display(Images.grid(batch.data()));
 * updateDisplay(id, Images.grid(next.data())); // redraw it in place
 * display("<b>done</b>", "text/html");        // a String with a MIME type is content of that type
 * render(chart, "image/svg+xml")              // as a cell's last expression: the chart as SVG
 * summary(model, Tensor.randn(1, 1, 28, 28))  // layers, output shapes, parameter counts
 * clearOutput(true);
 * }</pre>
 * In a plain Java program (no kernel), {@code display} prints the text form and {@code clearOutput} does nothing.
 */
public final class Display {
    private static volatile DisplaySink sink;

    private Display() {
    }

    /** Installs where displays go (the kernel does this at startup); null removes it. */
    public static void useSink(DisplaySink s) {
        sink = s;
    }

    /** The installed sink, or null outside a notebook. */
    public static DisplaySink sink() {
        return sink;
    }

    /** Shows a value below the cell now, with every representation it has; returns its display id. */
    public static String display(Object value) {
        return show(Renderers.render(value));
    }

    /**
     * Shows only the given representations of a value (plus text/plain); a String is taken as content of those
     * types, e.g. {@code display("<b>hi</b>", "text/html")}. Returns the display id.
     *
     * @throws IllegalArgumentException when the value renders as none of the types; the message lists its types
     */
    public static String display(Object value, String... mimeTypes) {
        return show(Renderers.render(value, List.of(mimeTypes)));
    }

    /** Replaces the output shown under {@code displayId} with a value. */
    public static void updateDisplay(String displayId, Object value) {
        update(displayId, Renderers.render(value));
    }

    /** Replaces the output shown under {@code displayId} with the given representations of a value. */
    public static void updateDisplay(String displayId, Object value, String... mimeTypes) {
        update(displayId, Renderers.render(value, List.of(mimeTypes)));
    }

    /** Clears the cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the cell's output; with {@code wait}, when the next output arrives, so a redraw does not flicker. */
    public static void clearOutput(boolean wait) {
        DisplaySink s = sink;
        if (s != null) {
            s.clearOutput(wait);
        }
    }

    /**
     * The representations of a value as a {@link MimeBundle}, limited to the given MIME types when some are named;
     * as the last expression of a cell it is shown as such ({@code render(text, "text/markdown")}).
     */
    public static MimeBundle render(Object value, String... mimeTypes) {
        return Renderers.render(value, List.of(mimeTypes));
    }

    /**
     * Runs the model once on example inputs (in eval mode, restored afterwards) and lists every layer call with
     * its output shape and parameter count, like torchinfo's {@code summary}.
     */
    public static ModelSummary summary(Module model, Tensor... inputs) {
        return ModelSummary.of(model, inputs);
    }

    private static String show(MimeBundle bundle) {
        DisplaySink s = sink;
        if (s != null) {
            return s.display(bundle);
        }
        System.out.println(bundle.text());
        return UUID.randomUUID().toString();
    }

    private static void update(String id, MimeBundle bundle) {
        DisplaySink s = sink;
        if (s != null) {
            s.update(id, bundle);
        } else {
            System.out.println(bundle.text());
        }
    }
}
