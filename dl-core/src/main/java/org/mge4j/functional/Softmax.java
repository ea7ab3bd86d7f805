package org.mge4j.functional;

import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** softmax, log-softmax and log-sum-exp along one axis, all shifted by the maximum for stability. */
final class Softmax {
    private Softmax() {
    }

    /** MegEngine's default softmax axis: 0 when ndim is 0, 1 or 3, and 1 otherwise. */
    public static int defaultAxis(int ndim) {
        return ndim == 0 || ndim == 1 || ndim == 3 ? 0 : 1;
    }

    /** {@code exp(x) / sum(exp(x), axis)}. */
    public static Tensor softmax(Tensor x, int axis) {
        INDArray a = Arithmetic.floating(x);
        if (a.rank() == 0) {
            return Autograd.record("softmax", a.dup().assign(1), (dy, need) -> new INDArray[] {dy.mul(0)}, x);
        }
        int ax = Shapes.normAxis(axis, a.rank());
        INDArray out = shiftedExp(a, ax);
        out.divi(out.sum(true, ax));
        return Autograd.record("softmax", OpAttributes.create().with("axis", ax), out, (dy, need) ->
                new INDArray[] {dy.sub(dy.mul(out).sum(true, ax)).muli(out)}, x);
    }

    /** {@code x - logsumexp(x, axis)}. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        INDArray a = Arithmetic.floating(x);
        int ax = Shapes.normAxis(axis, a.rank());
        INDArray max = a.max(true, ax);
        INDArray shifted = a.sub(max);
        INDArray logZ = Transforms.log(Transforms.exp(shifted, true).sum(true, ax), false);
        INDArray out = shifted.subi(logZ);
        return Autograd.record("log_softmax", OpAttributes.create().with("axis", ax), out, (dy, need) ->
                new INDArray[] {dy.sub(Transforms.exp(out, true).muli(dy.sum(true, ax)))}, x);
    }

    /** {@code log(sum(exp(x), axis))}, computed as {@code max + log(sum(exp(x - max)))}. */
    public static Tensor logsumexp(Tensor x, int axis, boolean keepdims) {
        INDArray a = Arithmetic.floating(x);
        int ax = Shapes.normAxis(axis, a.rank());
        INDArray max = a.max(true, ax);
        INDArray e = Transforms.exp(a.sub(max), false);
        INDArray sum = e.sum(true, ax);
        INDArray kept = Transforms.log(sum, true).addi(max);
        long[] keptShape = kept.shape();
        INDArray out = keepdims ? kept : kept.reshape(dropAxis(keptShape, ax));
        return Autograd.record("logsumexp", out, (dy, need) ->
                new INDArray[] {e.div(sum).muli(dy.reshape(keptShape))}, x);
    }

    static INDArray shiftedExp(INDArray a, int ax) {
        return Transforms.exp(a.sub(a.max(true, ax)), false);
    }

    static long[] dropAxis(long[] shape, int ax) {
        long[] out = new long[shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (i != ax) {
                out[k++] = shape[i];
            }
        }
        return out;
    }
}
