package org.mge4j.kernel.display;

import java.util.Map;
import org.mge4j.display.Renderers;

/**
 * The bridge the kernel uses: a cell's result is drawn by display's renderer registry (tables for state dicts,
 * trees for models, pictures for images and charts), which third parties extend through ServiceLoader.
 */
public final class RegistryDisplayBridge implements DisplayBridge {
    /** Used by ServiceLoader. */
    public RegistryDisplayBridge() {
    }

    @Override
    public Map<String, Object> render(Object value) {
        return Renderers.data(value);
    }
}
