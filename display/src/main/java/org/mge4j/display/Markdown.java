package org.mge4j.display;

import java.util.Objects;

/**
 * Markdown to show rendered: {@code Markdown.of("**loss** fell to " + loss)}. Plain-text frontends show the source.
 *
 * @param markdown the source
 */
public record Markdown(String markdown) implements Renderable {
    /** Markdown with the given source. */
    public Markdown {
        Objects.requireNonNull(markdown, "markdown");
    }

    /** Markdown with the given source. */
    public static Markdown of(String markdown) {
        return new Markdown(markdown);
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        return MimeBundle.builder().put(MimeBundle.TEXT_MARKDOWN, markdown).text(markdown).build();
    }
}
