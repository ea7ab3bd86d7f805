package org.mge4j.kernel.display;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.mge4j.display.Display;

/**
 * The kernel's side of showing values: the MIME bundle of a cell's result (through the {@link DisplayBridge},
 * by default display's renderer registry) and the {@code display}/{@code updateDisplay}/{@code clearOutput}
 * functions, which now live in {@link Display} (what cells import) and are kept here for code that called them
 * through this class. {@link #install()} connects display's outputs to the running cell.
 */
public final class Notebook {
    private static volatile DisplayBridge bridge = loadBridge();

    private Notebook() {
    }

    private static DisplayBridge loadBridge() {
        for (DisplayBridge b : ServiceLoader.load(DisplayBridge.class, Notebook.class.getClassLoader())) {
            return b;
        }
        return new TextDisplayBridge();
    }

    /** Sends display's outputs (displays, progress bars, live charts) to the running cell. Called at startup. */
    public static void install() {
        Display.useSink(new KernelDisplaySink());
    }

    /** The bridge used for results and displays. */
    public static DisplayBridge bridge() {
        return bridge;
    }

    /** Replaces the bridge (null restores the text-only one). */
    public static void useBridge(DisplayBridge b) {
        bridge = b == null ? new TextDisplayBridge() : b;
    }

    /** The MIME bundle of a value, always with text/plain. */
    public static Map<String, Object> bundle(Object value) {
        Map<String, Object> data = new LinkedHashMap<>(bridge.render(value));
        data.putIfAbsent("text/plain", TextDisplayBridge.text(value));
        return data;
    }

    /** Shows a value below the cell now; returns its display id. See {@link Display#display(Object)}. */
    public static String display(Object value) {
        return Display.display(value);
    }

    /** Shows the given representations of a value; a String is content of that type. See {@link Display}. */
    public static String display(Object value, String... mimeTypes) {
        return Display.display(value, mimeTypes);
    }

    /** Replaces the output shown earlier under {@code displayId}. */
    public static void updateDisplay(String displayId, Object value) {
        Display.updateDisplay(displayId, value);
    }

    /** Clears the output of the current cell now. */
    public static void clearOutput() {
        Display.clearOutput(false);
    }

    /** Clears the output of the current cell; with {@code wait}, only when new output arrives. */
    public static void clearOutput(boolean wait) {
        Display.clearOutput(wait);
    }
}
