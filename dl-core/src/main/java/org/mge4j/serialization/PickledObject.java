package org.mge4j.serialization;

import java.util.List;

/**
 * An inert record of a Python object whose class the caller trusted with {@link LoadOptions.Builder#trust}: the
 * global's name, the arguments it was called with, and the state given to it. Nothing of the class runs; the
 * record is data, for the caller (or {@code Mge.load} of a whole model) to interpret.
 *
 * @param global the class or function, as {@code module.name}
 * @param args   the arguments of the call ({@code REDUCE} / {@code NEWOBJ}), as a tuple
 * @param state  the state set by {@code BUILD} (often the object's {@code __dict__}), or null when none was set
 */
public record PickledObject(String global, List<Object> args, Object state) {
    @Override
    public String toString() {
        return global + args + (state == null ? "" : " state=" + state);
    }
}
