package org.mge4j.kernel.display;

import java.util.Map;

/**
 * Turns a cell's result object into a MIME bundle such as {@code {"text/plain": "...", "text/html": "..."}}.
 * Values are Strings (text, Base64 for images) or, for {@code application/json}, plain Java maps and lists.
 * The bundle must contain {@code text/plain}. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.mge4j.kernel.display.DisplayBridge}); without one, {@link TextDisplayBridge} is used.
 */
public interface DisplayBridge {

    /** The MIME bundle for {@code value} (never null; may be only text/plain). */
    Map<String, Object> render(Object value);
}
