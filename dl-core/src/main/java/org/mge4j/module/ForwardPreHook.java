package org.mge4j.module;

/**
 * A function run by {@link Module#call(Object...)} before {@code forward}: MegEngine's forward pre-hook.
 * Register it with {@link Module#registerForwardPreHook}.
 */
@FunctionalInterface
public interface ForwardPreHook {
    /**
     * Sees the inputs before {@code forward} does.
     *
     * @param module the module being called
     * @param inputs the positional inputs
     * @return null to keep the inputs, an {@code Object[]} to replace all of them, or any other value to replace
     *     them with that single input
     */
    Object apply(Module module, Object[] inputs);
}
