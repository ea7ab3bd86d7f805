package org.mge4j.display;

import java.util.Objects;

/**
 * HTML to show as such: {@code Html.of("<b>bold</b>")} as a cell's result or in {@code display(...)}. Its plain text
 * (for jupyter console) is the HTML with tags removed. {@link #escape} makes any text safe to put inside HTML.
 *
 * @param html the markup
 */
public record Html(String html) implements Renderable {
    /** HTML with the given markup. */
    public Html {
        Objects.requireNonNull(html, "html");
    }

    /** HTML with the given markup. */
    public static Html of(String html) {
        return new Html(html);
    }

    /** {@code text} with {@code & < > " '} replaced by entities, safe inside elements and quoted attributes. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        String text = html.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", "").replaceAll("<[^>]*>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&").strip();
        return MimeBundle.builder().html(html).text(text).build();
    }
}
