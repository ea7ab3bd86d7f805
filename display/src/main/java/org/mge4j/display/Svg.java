package org.mge4j.display;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SVG document to show as a picture: {@code Svg.of("<svg ...>...</svg>")}, or a chart's {@code svg()}.
 *
 * @param svg the document
 */
public record Svg(String svg) implements Renderable {
    private static final Pattern SIZE = Pattern.compile("<svg[^>]*?\\swidth=\"([^\"]+)\"[^>]*?\\sheight=\"([^\"]+)\"");

    /** An SVG picture. */
    public Svg {
        Objects.requireNonNull(svg, "svg");
        if (!svg.contains("<svg")) {
            throw new IllegalArgumentException("not an SVG document (no <svg> element): "
                    + svg.substring(0, Math.min(60, svg.length())));
        }
    }

    /** An SVG picture. */
    public static Svg of(String svg) {
        return new Svg(svg);
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        Matcher m = SIZE.matcher(svg);
        String size = m.find() ? " " + m.group(1) + "x" + m.group(2) : "";
        return MimeBundle.builder().put(MimeBundle.IMAGE_SVG, svg).text("[SVG image" + size + "]").build();
    }
}
