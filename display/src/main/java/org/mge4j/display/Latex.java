package org.mge4j.display;

import java.util.Objects;

/**
 * LaTeX math to typeset: {@code Latex.of("$\\mathcal{L} = -\\sum y \\log p$")}. Plain-text frontends show the source.
 *
 * @param latex the source, with its math delimiters ({@code $...$} or {@code $$...$$})
 */
public record Latex(String latex) implements Renderable {
    /** LaTeX with the given source. */
    public Latex {
        Objects.requireNonNull(latex, "latex");
    }

    /** LaTeX with the given source. */
    public static Latex of(String latex) {
        return new Latex(latex);
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        return MimeBundle.builder().put(MimeBundle.TEXT_LATEX, latex).text(latex).build();
    }
}
