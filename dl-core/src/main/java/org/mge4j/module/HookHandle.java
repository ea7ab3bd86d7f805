package org.mge4j.module;

import java.util.Map;

/** The handle returned when a hook is registered; {@link #remove()} unregisters it (MegEngine's HookHandler). */
public final class HookHandle {
    private final Map<Long, ?> hooks;
    private final long id;

    HookHandle(Map<Long, ?> hooks, long id) {
        this.hooks = hooks;
        this.id = id;
    }

    /** Unregisters the hook; calling it again does nothing. */
    public void remove() {
        hooks.remove(id);
    }
}
