package org.mge4j.serialization;

/**
 * A pickle names a Python global (a class or function) that is not on the allowlist, so loading it could run
 * code. {@link #global()} is the refused {@code module.name}; trust it with
 * {@code LoadOptions.builder().trust("module.name")} only when the file comes from someone you trust.
 */
public class RefusedGlobalException extends SerializationException {
    private final String global;

    /** A refusal of {@code global} with the full explanation in {@code message}. */
    public RefusedGlobalException(String global, String message) {
        super(message);
        this.global = global;
    }

    /** The refused global, as {@code module.name}. */
    public String global() {
        return global;
    }
}
