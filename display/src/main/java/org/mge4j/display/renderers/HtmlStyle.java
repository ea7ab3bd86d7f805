package org.mge4j.display.renderers;

import org.mge4j.display.Html;

/**
 * The few inline styles display's HTML uses. Inline, because notebook frontends drop {@code <style>} elements
 * from untrusted outputs but keep {@code style} attributes; few, because tables take their look (padding,
 * stripes, fonts) from the frontend's own CSS, which also follows its light or dark theme.
 */
public final class HtmlStyle {
    /** A monospace run of text (shapes, dtypes, keys). */
    public static final String MONO = "font-family:var(--jp-code-font-family,monospace)";
    /** Text of lower importance. */
    public static final String MUTED = "opacity:0.65";
    /** A left-aligned table cell (frontends right-align cells by default). */
    public static final String LEFT = "text-align:left";

    private HtmlStyle() {
    }

    /** A small rounded label, e.g. a dtype or a shape: {@code <span style=...>float32</span>}. */
    public static String badge(String text) {
        return "<span style=\"" + MONO + ";font-size:0.85em;padding:0 4px;border-radius:3px;"
                + "background:rgba(127,127,127,0.18)\">" + Html.escape(text) + "</span>";
    }

    /** A label in a given colour (green ok, orange warning, red problem). */
    public static String badge(String text, String color) {
        return "<span style=\"font-size:0.85em;padding:0 4px;border-radius:3px;color:#fff;background:" + color
                + "\">" + Html.escape(text) + "</span>";
    }

    /** Green. */
    public static final String GREEN = "#2e7d32";
    /** Orange. */
    public static final String ORANGE = "#e65100";
    /** Red. */
    public static final String RED = "#c62828";
    /** Blue-grey. */
    public static final String GREY = "#546e7a";

    /** A header line above a table or tree: a bold title and muted details. */
    public static String header(String title, String details) {
        return "<div style=\"margin:2px 0 4px 0\"><b>" + Html.escape(title) + "</b>"
                + (details == null || details.isEmpty() ? "" : " <span style=\"" + MUTED + "\">"
                + Html.escape(details) + "</span>") + "</div>";
    }

    /** Opens the outer element every display output starts with. */
    public static String open() {
        return "<div class=\"mge4j-output\">";
    }

    /** Closes {@link #open()}. */
    public static String close() {
        return "</div>";
    }
}
