package org.mge4j.module;

import org.mge4j.Tensor;

/**
 * Batch normalisation over {@code (N, C)} or {@code (N, C, L)}: MegEngine's {@code BatchNorm1d}. Its tensors are
 * {@code (1, C, 1, 1)} like {@link BatchNorm2d}'s (MegEngine's layout), shown as {@code (C,)} in the state dict.
 */
public class BatchNorm1d extends BatchNorm {
    /** Defaults: eps 1e-5, momentum 0.9, affine, tracking running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.9, true, true, false);
    }

    /** With the given eps and momentum. */
    public BatchNorm1d(int numFeatures, double eps, double momentum) {
        this(numFeatures, eps, momentum, true, true, false);
    }

    /** Every setting, in MegEngine's order. */
    public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats,
            boolean freeze) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, freeze);
    }

    @Override
    void checkInputNdim(Tensor x) {
        if (x.ndim() != 2 && x.ndim() != 3) {
            throw new IllegalArgumentException("expected 2D or 3D input (got " + x.ndim() + "D input)");
        }
    }
}
