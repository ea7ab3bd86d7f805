package org.mge4j.module;

import org.mge4j.Tensor;

/**
 * Batch normalisation over {@code (N, C, H, W)} with statistics over N, H and W: MegEngine's {@code BatchNorm2d}.
 * See {@link BatchNorm} for the tensors and update rule.
 */
public class BatchNorm2d extends BatchNorm {
    /** Defaults: eps 1e-5, momentum 0.9, affine, tracking running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.9, true, true, false);
    }

    /** With the given eps and momentum. */
    public BatchNorm2d(int numFeatures, double eps, double momentum) {
        this(numFeatures, eps, momentum, true, true, false);
    }

    /** Every setting, in MegEngine's order. */
    public BatchNorm2d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats,
            boolean freeze) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, freeze);
    }

    @Override
    void checkInputNdim(Tensor x) {
        if (x.ndim() != 4) {
            throw new IllegalArgumentException("expected 4D input (got " + x.ndim() + "D input)");
        }
    }
}
