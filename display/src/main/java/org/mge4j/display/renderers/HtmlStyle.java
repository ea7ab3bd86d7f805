package org.mge4j.display.renderers;

import org.mge4j.display.Html;

/**
 * The look of display's HTML. Tables take padding, stripes and fonts from the frontend's own CSS (which follows
 * its light or dark theme); a short {@code <style>} block at the start of each output adds only column alignment
 * and monospace keys, through classes, so that a 500-row table stays near 100 bytes a row. Frontends drop
 * {@code <style>} from untrusted outputs (a notebook from someone else, not yet run); the tables then lose only
 * their alignment. Small elements (badges, headers) use inline styles, which survive that sanitising.
 */
public final class HtmlStyle {
    /** A monospace run of text (shapes, dtypes, keys). */
    public static final String MONO = "font-family:var(--jp-code-font-family,monospace)";
    /** Text of lower importance. */
    public static final String MUTED = "opacity:0.65";

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

    private static final String CSS = "<style>"
            + ".mge4j-output table{border-collapse:collapse;margin:2px 0}"
            + ".mge4j-l1 td:nth-child(-n+1),.mge4j-l1 th:nth-child(-n+1),"
            + ".mge4j-l2 td:nth-child(-n+2),.mge4j-l2 th:nth-child(-n+2),"
            + ".mge4j-l3 td:nth-child(-n+3),.mge4j-l3 th:nth-child(-n+3),"
            + ".mge4j-l4 td:nth-child(-n+4),.mge4j-l4 th:nth-child(-n+4){text-align:left}"
            + ".mge4j-output td.mge4j-k,.mge4j-keys tr:not(.mge4j-g) td:first-child"
            + "{font-family:var(--jp-code-font-family,monospace)}"
            + ".mge4j-keys tr:not(.mge4j-g) td:first-child{padding-left:1.5em}"
            + ".mge4j-output tr.mge4j-g td{text-align:left;font-weight:bold}"
            + ".mge4j-output tr.mge4j-g span{font-weight:normal;opacity:.65}"
            + "</style>";

    /** Opens the outer element every display output starts with, and its style block. */
    public static String open() {
        return "<div class=\"mge4j-output\">" + CSS;
    }

    /**
     * Opens a table whose first {@code leftColumns} columns are left-aligned (keys, shapes, names); the others,
     * numbers, stay right-aligned. Cells with class {@code mge4j-k} are monospace; rows with class
     * {@code mge4j-g} are group headings; in a table with class {@code mge4j-keys} the first cell of every other
     * row is a monospace key, indented under its heading.
     */
    public static String table(int leftColumns) {
        return "<table class=\"mge4j-l" + Math.max(1, Math.min(4, leftColumns)) + "\">";
    }

    /** A header row of a table. */
    public static String headRow(String... names) {
        StringBuilder sb = new StringBuilder("<thead><tr>");
        for (String n : names) {
            sb.append("<th>").append(Html.escape(n)).append("</th>");
        }
        return sb.append("</tr></thead>").toString();
    }

    /** Closes {@link #open()}. */
    public static String close() {
        return "</div>";
    }
}
