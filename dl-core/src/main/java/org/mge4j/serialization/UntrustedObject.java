package org.mge4j.serialization;

import java.util.List;

/**
 * What a pickle global outside the allowlist becomes when the caller only wants to look at a file
 * ({@link LoadOptions.Builder#inertGlobals}): its name and the data the pickle would have given it. Nothing was
 * imported, called or instantiated; this is a placeholder, never the object.
 *
 * @param name   the global as {@code module.name} ({@code "os.system"}); {@code "f(...)"} for a call on the result
 *               of a call of {@code f}
 * @param args   the arguments the pickle would have called it with ({@code REDUCE} / {@code NEWOBJ}), or null when
 *               the global itself is the value
 * @param state  the state the pickle would have set ({@code BUILD}), or null when none
 * @param callee for a call on the result of a call ({@code f(a)(b)}), the placeholder of that first call
 *               ({@code f(a)}); null when a global was called
 */
public record UntrustedObject(String name, List<Object> args, Object state, UntrustedObject callee) {
    /** {@code <object os.system (not loaded: untrusted global)>}; the arguments are left out. */
    @Override
    public String toString() {
        return "<" + (args == null ? "global " : "object ") + name + " (not loaded: untrusted global)>";
    }
}
