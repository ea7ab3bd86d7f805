package org.mge4j.module;

/**
 * A function run by {@link Module#call(Object...)} after {@code forward}: MegEngine's forward hook.
 * Register it with {@link Module#registerForwardHook}.
 */
@FunctionalInterface
public interface ForwardHook {
    /**
     * Sees the inputs and the output of {@code forward}.
     *
     * @param module the module being called
     * @param inputs the inputs {@code forward} received (after the pre-hooks)
     * @param output what {@code forward} returned
     * @return null to keep the output, or the value that replaces it
     */
    Object apply(Module module, Object[] inputs, Object output);
}
