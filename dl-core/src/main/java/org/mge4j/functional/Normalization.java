package org.mge4j.functional;

import java.util.Arrays;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over the channel axis 1 of a (N, C), (N, C, L) or (N, C, H, W) input, as MegEngine:
 * batch statistics over every axis but 1, biased variance to normalise, unbiased variance in the running estimate,
 * {@code running = momentum * running + (1 - momentum) * batch}.
 */
final class Normalization {
    private Normalization() {
    }

    /**
     * Normalises {@code x}. In training the running statistics (when given) are updated in place; in eval they are
     * used instead of the batch statistics. {@code weight}, {@code bias}, {@code runningMean} and
     * {@code runningVar} may be null; parameter shapes are {@code (1, C, 1, 1)}, {@code (1, C)}, {@code (1, C, 1)} or
     * {@code (C,)}.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        int n = x.ndim();
        if (n < 2 || n > 4) {
            throw new IllegalArgumentException("batch_norm expects a 2-D, 3-D or 4-D input (N, C, ...), got shape "
                    + Tensor.shapeString(x.shape()));
        }
        long c = x.shape(1);
        long[] statShape = new long[n];
        Arrays.fill(statShape, 1);
        statShape[1] = c;
        int[] axes = new int[n - 1];
        axes[0] = 0;
        for (int i = 2; i < n; i++) {
            axes[i - 1] = i;
        }
        checkParam("running_mean", runningMean, c);
        checkParam("running_var", runningVar, c);
        checkParam("weight", weight, c);
        checkParam("bias", bias, c);
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException("batch_norm in eval mode (training=false) needs running_mean and running_var");
        }
        Tensor normalized = training ? trainNormalize(x, runningMean, runningVar, statShape, axes, momentum, eps)
                : evalNormalize(x, runningMean, runningVar, statShape, eps);
        if (weight != null) {
            normalized = normalized.mul(weight.reshape(statShape));
        }
        if (bias != null) {
            normalized = normalized.add(bias.reshape(statShape));
        }
        return normalized;
    }

    private static Tensor evalNormalize(Tensor x, Tensor rm, Tensor rv, long[] statShape, double eps) {
        INDArray a = Arithmetic.floating(x);
        INDArray mean = rm.nd().reshape(statShape).castTo(a.dataType());
        INDArray invStd = Transforms.pow(rv.nd().reshape(statShape).castTo(a.dataType()).add(eps), -0.5, false);
        INDArray out = a.sub(mean).muli(invStd);
        OpAttributes attrs = OpAttributes.create().with("training", false).with("eps", eps).with("momentum", 0.9).graphInputs(x, rm, rv);
        return Autograd.record("batch_norm", attrs, out, (dy, need) -> new INDArray[] {dy.mul(invStd)}, x);
    }

    private static Tensor trainNormalize(Tensor x, Tensor rm, Tensor rv, long[] statShape, int[] axes, double momentum, double eps) {
        INDArray a = Arithmetic.floating(x);
        long m = a.length() / statShape[1];
        INDArray mean = a.mean(true, axes);
        INDArray centered = a.sub(mean);
        INDArray var = centered.mul(centered).mean(true, axes);
        INDArray invStd = Transforms.pow(var.add(eps), -0.5, false);
        INDArray xhat = centered.muli(invStd);
        if (rm != null) {
            update(rm, mean, momentum);
        }
        if (rv != null) {
            update(rv, m > 1 ? var.mul((double) m / (m - 1)) : var, momentum);
        }
        OpAttributes attrs = rm == null || rv == null ? null  // without running statistics a graph could not update them
                : OpAttributes.create().with("training", true).with("eps", eps).with("momentum", momentum).graphInputs(x, rm, rv);
        return Autograd.record("batch_norm", attrs, xhat, (dy, need) -> {
            // dx = invStd * (dy - mean(dy) - xhat * mean(dy * xhat)), means over the statistics axes
            INDArray dyMean = dy.mean(true, axes);
            INDArray dyXhatMean = dy.mul(xhat).mean(true, axes);
            return new INDArray[] {dy.sub(dyMean).subi(xhat.mul(dyXhatMean)).muli(invStd)};
        }, x);
    }

    /** {@code running = momentum * running + (1 - momentum) * batch}, in place, keeping the running tensor's shape and dtype. */
    private static void update(Tensor running, INDArray batch, double momentum) {
        INDArray r = running.nd();
        INDArray b = batch.reshape(r.shape()).castTo(r.dataType());
        r.muli(momentum).addi(b.mul(1 - momentum));
    }

    private static void checkParam(String name, Tensor t, long c) {
        if (t != null && t.size() != c) {
            throw new IllegalArgumentException("batch_norm " + name + " must have " + c + " elements (one per channel), got shape "
                    + Tensor.shapeString(t.shape()));
        }
    }
}
