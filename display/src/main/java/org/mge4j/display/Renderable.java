package org.mge4j.display;

/**
 * An object that knows how it looks in a notebook. A type of a library that depends on display can implement
 * it instead of registering a {@link Renderer}; the registry asks it first (see {@link Renderers}).
 */
public interface Renderable {
    /** The representations of this object; {@link RenderContext#wants} says which types are worth computing. */
    MimeBundle toBundle(RenderContext context);
}
