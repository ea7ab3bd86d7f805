package org.mge4j.display;

import java.util.List;

/**
 * What a {@link Renderer} is asked for: the MIME types wanted (all, unless the caller named some, as
 * {@code render(obj, "image/svg+xml")} does), and the registry, to draw the parts of a composite value.
 */
public final class RenderContext {
    private final RendererRegistry registry;
    private final List<String> requested;

    RenderContext(RendererRegistry registry, List<String> requested) {
        this.registry = registry;
        this.requested = List.copyOf(requested);
    }

    /** The MIME types the caller named; empty when it wants the default set. */
    public List<String> requested() {
        return requested;
    }

    /**
     * Whether {@code mimeType} is worth computing: true for every type when the caller named none; otherwise only
     * for the named ones. Renderers skip expensive encodings (PNG) that are not wanted.
     */
    public boolean wants(String mimeType) {
        return requested.isEmpty() || requested.contains(mimeType);
    }

    /** Whether the caller named {@code mimeType} explicitly: for types not in the default set, such as SVG charts. */
    public boolean asked(String mimeType) {
        return requested.contains(mimeType);
    }

    /** The registry drawing this value, to render a part of it (with the default MIME types). */
    public MimeBundle render(Object part) {
        return registry.render(part);
    }
}
