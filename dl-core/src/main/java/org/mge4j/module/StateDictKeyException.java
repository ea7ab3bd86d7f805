package org.mge4j.module;

import java.util.List;

/**
 * Thrown by {@link Module#loadStateDict} with {@code strict=true} when the state dict has keys the module does not
 * use, or lacks keys the module needs: MegEngine's {@code KeyError}. By then every value that could be loaded has
 * been loaded.
 */
public class StateDictKeyException extends RuntimeException {
    private final List<String> unused;
    private final List<String> missing;

    StateDictKeyException(String message, List<String> unused, List<String> missing) {
        super(message);
        this.unused = List.copyOf(unused);
        this.missing = List.copyOf(missing);
    }

    /** The keys of the state dict that match nothing in the module, sorted. */
    public List<String> unused() {
        return unused;
    }

    /** The module's keys that the state dict has no value for, sorted. */
    public List<String> missing() {
        return missing;
    }
}
