package org.mge4j.module;

/**
 * Marks normalization layers (BatchNorm and kin) whose tensors are stored as {@code (1, C, 1, 1)} but appear
 * as {@code (C,)} in {@link Module#stateDict()}; {@link Module#loadStateDict} reshapes values of the same size
 * back. This is MegEngine's "XNorm" rule, kept so state dicts match MegEngine's byte for byte.
 */
public interface NormLayer {
}
