package org.mge4j.functional;

import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Elementwise activations: relu, sigmoid, tanh, leaky relu, gelu; each backward next to its forward. */
final class Activations {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    private Activations() {
    }

    /** {@code max(x, 0)}; the gradient at 0 is 0. */
    public static Tensor relu(Tensor x) {
        INDArray a = Arithmetic.floating(x);
        INDArray out = Native.empty(a, a.shape());
        Nd4j.exec(new RectifiedLinear(a, out, 0.0));  // straight into a fresh array: no copy-then-modify pass
        return Autograd.record("relu", OpAttributes.none(), out, (dy, need) -> {
            INDArray dx = Native.empty(dy, dy.shape());
            Native.exec("relu_bp", new INDArray[] {a, dy}, new INDArray[] {dx});
            return new INDArray[] {dx};
        }, x);
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public static Tensor sigmoid(Tensor x) {
        INDArray out = Transforms.sigmoid(Arithmetic.floating(x), true);
        return Autograd.record("sigmoid", OpAttributes.none(), out,
                (dy, need) -> new INDArray[] {out.rsub(1).muli(out).muli(dy)}, x);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        INDArray out = Transforms.tanh(Arithmetic.floating(x), true);
        return Autograd.record("tanh", OpAttributes.none(), out,
                (dy, need) -> new INDArray[] {out.mul(out).rsubi(1).muli(dy)}, x);
    }

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere (MegEngine's default slope is 0.01). */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        INDArray a = Arithmetic.floating(x);
        INDArray out = Transforms.leakyRelu(a, negativeSlope, true);
        return Autograd.record("leaky_relu", OpAttributes.create().with("negative_slope", negativeSlope), out, (dy, need) -> {
            INDArray slope = a.gt(0).castTo(a.dataType()).muli(1 - negativeSlope).addi(negativeSlope);
            return new INDArray[] {slope.muli(dy)};
        }, x);
    }

    /** GELU in MegEngine's exact form {@code 0.5 * x * (1 + erf(x / sqrt(2)))}. */
    public static Tensor gelu(Tensor x) {
        INDArray a = Arithmetic.floating(x);
        INDArray cdf = Nd4j.exec(new Erf(a.mul(SQRT_HALF))).addi(1).muli(0.5);
        return Autograd.record("gelu", a.mul(cdf), (dy, need) -> {
            INDArray pdf = Transforms.exp(a.mul(a).muli(-0.5), false).muli(INV_SQRT_2PI);
            return new INDArray[] {pdf.muli(a).addi(cdf).muli(dy)};
        }, x);
    }
}
