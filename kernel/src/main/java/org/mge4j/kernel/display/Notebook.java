package org.mge4j.kernel.display;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.io.Cell;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * Functions a notebook cell can call (statically imported in every cell): {@code display(obj)},
 * {@code display(text, "text/html")}, {@code updateDisplay(id, obj)}, {@code clearOutput()}.
 * Pending printed text is published before each display, so output keeps program order.
 */
public final class Notebook {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile DisplayBridge bridge = loadBridge();

    private Notebook() {
    }

    private static DisplayBridge loadBridge() {
        for (DisplayBridge b : ServiceLoader.load(DisplayBridge.class)) {
            return b;
        }
        return new TextDisplayBridge();
    }

    /** The bridge used for results and displays. */
    public static DisplayBridge bridge() {
        return bridge;
    }

    /** Replaces the bridge (e.g. by the display module at startup). */
    public static void useBridge(DisplayBridge b) {
        bridge = b == null ? new TextDisplayBridge() : b;
    }

    /** The MIME bundle of a value, always with text/plain. */
    public static Map<String, Object> bundle(Object value) {
        Map<String, Object> data = new LinkedHashMap<>(bridge.render(value));
        data.putIfAbsent("text/plain", TextDisplayBridge.text(value));
        return data;
    }

    /** Shows a value below the cell now; returns its display id for {@link #updateDisplay}. */
    public static String display(Object value) {
        return show("display_data", bundle(value), UUID.randomUUID().toString());
    }

    /**
     * Shows text under a given MIME type, e.g. {@code display("<b>hi</b>", "text/html")}; for other objects, shows
     * only the requested types of their bundle (plus text/plain).
     */
    public static String display(Object value, String mimeType) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (value instanceof CharSequence cs) {
            data.put(mimeType, cs.toString());
            data.put("text/plain", cs.toString());
        } else {
            Map<String, Object> all = bundle(value);
            if (!all.containsKey(mimeType)) {
                throw new IllegalArgumentException("cannot show a " + value.getClass().getName() + " as " + mimeType
                        + "; it renders as " + all.keySet());
            }
            data.put(mimeType, all.get(mimeType));
            data.put("text/plain", all.get("text/plain"));
        }
        return show("display_data", data, UUID.randomUUID().toString());
    }

    /** Replaces the output shown earlier under {@code displayId}. */
    public static void updateDisplay(String displayId, Object value) {
        show("update_display_data", bundle(value), displayId);
    }

    /** Clears the output of the current cell now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the output of the current cell; with {@code wait}, only when new output arrives. */
    public static void clearOutput(boolean wait) {
        Cell cell = requireCell("clearOutput");
        cell.flush();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("wait", wait);
        cell.publish("clear_output", c);
    }

    private static String show(String type, Map<String, Object> data, String id) {
        Cell cell = requireCell("display");
        cell.flush();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("data", JSON.valueToTree(data));
        c.putObject("metadata");
        c.putObject("transient").put("display_id", id);
        cell.publish(type, c);
        return id;
    }

    private static Cell requireCell(String what) {
        Cell cell = Cell.current();
        if (cell == null) {
            throw new IllegalStateException(what + " works only inside a running notebook cell");
        }
        return cell;
    }
}
