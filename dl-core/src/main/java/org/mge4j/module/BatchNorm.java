package org.mge4j.module;

import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share: MegEngine's {@code _BatchNorm}.
 *
 * <p>{@code weight} (ones) and {@code bias} (zeros) are Parameters and {@code running_mean} (zeros) and
 * {@code running_var} (ones) plain-tensor buffers, all of shape {@code (1, C, 1, 1)}; the state dict shows them as
 * {@code (C,)}. In training the batch statistics normalise and the running ones update as
 * {@code running = momentum*running + (1-momentum)*batch} (default momentum 0.9, PyTorch's 0.1), with the unbiased
 * batch variance for {@code running_var}. In eval the running statistics normalise.
 */
public abstract class BatchNorm extends Module implements NormLayer {
    private final int numFeatures;
    private final double eps;
    private final double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;
    private final boolean freeze;
    /** The scale γ, {@code (1, C, 1, 1)}, or null without affine. */
    public Parameter weight;
    /** The shift β, {@code (1, C, 1, 1)}, or null without affine. */
    public Parameter bias;
    /** The running mean, {@code (1, C, 1, 1)}, or null without running statistics; key {@code running_mean}. */
    public Tensor runningMean;
    /** The running variance, {@code (1, C, 1, 1)}, or null without running statistics; key {@code running_var}. */
    public Tensor runningVar;

    BatchNorm(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats,
            boolean freeze) {
        Linear.checkPositive("num_features", numFeatures);
        if (freeze && !trackRunningStats) {
            throw new IllegalArgumentException("track_running_stats must be initilized to True if freeze is True");
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        this.freeze = freeze;
        if (affine) {
            weight = new Parameter(Tensor.ones(1, numFeatures, 1, 1));
            bias = new Parameter(Tensor.zeros(1, numFeatures, 1, 1));
        }
        if (trackRunningStats) {
            runningMean = Tensor.zeros(1, numFeatures, 1, 1);
            runningVar = Tensor.ones(1, numFeatures, 1, 1);
        }
    }

    /** Resets the running statistics to zeros and ones. */
    public void resetRunningStats() {
        if (trackRunningStats) {
            Init.zeros(runningMean);
            Init.ones(runningVar);
        }
    }

    /** Resets the running statistics and the affine parameters to ones and zeros. */
    public void resetParameters() {
        resetRunningStats();
        if (affine) {
            Init.ones(weight);
            Init.zeros(bias);
        }
    }

    /** Throws when the input's rank is not one this layer takes. */
    abstract void checkInputNdim(Tensor x);

    /** Normalises {@code x} over every axis but the channel axis 1. */
    @Override
    public Tensor forward(Tensor x) {
        checkInputNdim(x);
        long[] shape = x.shape();
        Tensor in = x;
        // -1 for the batch axis, so that a traced graph runs at any batch size
        if (shape.length == 2) {
            in = x.reshape(-1, shape[1], 1, 1);
        } else if (shape.length == 3) {
            in = x.reshape(-1, shape[1], shape[2], 1);
        }
        Tensor out;
        if (freeze) {
            // MegEngine's frozen path: running statistics with the affine parameters detached
            Tensor scale = runningVar.add(eps).pow(-0.5);
            if (weight != null) {
                scale = scale.mul(weight.detach());
            }
            Tensor shift = runningMean.neg().mul(scale);
            if (bias != null) {
                shift = shift.add(bias.detach());
            }
            out = in.mul(scale).add(shift);
        } else {
            boolean useBatch = training() || (runningMean == null && runningVar == null);
            out = F.batchNorm(in, trackRunningStats ? runningMean : null, trackRunningStats ? runningVar : null,
                    weight, bias, useBatch, training() && trackRunningStats ? momentum : 0.0, eps);
        }
        return shape.length == 4 ? out : shape.length == 2 ? out.reshape(-1, shape[1]) : out.reshape(-1, shape[1], shape[2]);
    }

    /** The number of channels C. */
    public int numFeatures() {
        return numFeatures;
    }

    /** The epsilon added to the variance. */
    public double eps() {
        return eps;
    }

    /** The weight of the old running value in each update. */
    public double momentum() {
        return momentum;
    }

    /** Whether the layer has weight and bias. */
    public boolean affine() {
        return affine;
    }

    /** Whether the layer keeps running statistics. */
    public boolean trackRunningStats() {
        return trackRunningStats;
    }

    /** Whether the layer always normalises with its running statistics and never updates them. */
    public boolean freeze() {
        return freeze;
    }

    @Override
    protected String moduleInfo() {
        return numFeatures + ", eps=" + PyFormat.floatRepr(eps) + ", momentum=" + PyFormat.floatRepr(momentum)
                + ", affine=" + PyFormat.bool(affine) + ", track_running_stats=" + PyFormat.bool(trackRunningStats);
    }
}
