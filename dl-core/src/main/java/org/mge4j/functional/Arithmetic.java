package org.mge4j.functional;

import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Elementwise arithmetic with numpy broadcasting; each op's backward sits next to its forward. */
public final class Arithmetic {
    private Arithmetic() {
    }

    /** {@code a + b}. */
    public static Tensor add(Tensor a, Tensor b) {
        INDArray[] p = Broadcasting.promote(a, b);
        long[] sa = a.shape();
        long[] sb = b.shape();
        return Autograd.record("add", OpAttributes.none(), p[0].add(p[1]), (dy, need) -> new INDArray[] {
            need[0] ? Broadcasting.reduceTo(dy, sa) : null,
            need[1] ? Broadcasting.reduceTo(dy, sb) : null}, a, b);
    }

    /** {@code a - b}. */
    public static Tensor sub(Tensor a, Tensor b) {
        INDArray[] p = Broadcasting.promote(a, b);
        long[] sa = a.shape();
        long[] sb = b.shape();
        return Autograd.record("sub", OpAttributes.none(), p[0].sub(p[1]), (dy, need) -> new INDArray[] {
            need[0] ? Broadcasting.reduceTo(dy, sa) : null,
            need[1] ? Broadcasting.reduceTo(dy.neg(), sb) : null}, a, b);
    }

    /** {@code a * b}. */
    public static Tensor mul(Tensor a, Tensor b) {
        INDArray[] p = Broadcasting.promote(a, b);
        INDArray x = p[0];
        INDArray y = p[1];
        return Autograd.record("mul", OpAttributes.none(), x.mul(y), (dy, need) -> new INDArray[] {
            need[0] ? Broadcasting.reduceTo(dy.mul(y), x.shape()) : null,
            need[1] ? Broadcasting.reduceTo(dy.mul(x), y.shape()) : null}, a, b);
    }

    /** True division {@code a / b}; integer operands give float32. */
    public static Tensor div(Tensor a, Tensor b) {
        DType d = DType.promote(a.dtype(), b.dtype());
        if (!d.isFloating()) {
            d = DType.FLOAT32;
        }
        INDArray x = Broadcasting.cast(a.nd(), d);
        INDArray y = Broadcasting.cast(b.nd(), d);
        return Autograd.record("div", OpAttributes.none(), x.div(y), (dy, need) -> new INDArray[] {
            need[0] ? Broadcasting.reduceTo(dy.div(y), x.shape()) : null,
            need[1] ? Broadcasting.reduceTo(dy.mul(x).div(y.mul(y)).negi(), y.shape()) : null}, a, b);
    }

    /** {@code a ** b}, elementwise. */
    public static Tensor pow(Tensor a, Tensor b) {
        INDArray[] p = Broadcasting.promote(a, b);
        long[] shape = Broadcasting.shape(a.shape(), b.shape());
        INDArray x = Broadcasting.to(p[0], shape).dup();
        INDArray y = Broadcasting.to(p[1], shape).dup();
        INDArray out = Transforms.pow(x, y, true);
        return Autograd.record("pow", OpAttributes.none(), out, (dy, need) -> new INDArray[] {
            need[0] ? Broadcasting.reduceTo(dy.mul(y).muli(Transforms.pow(x, y.sub(1), true)), a.shape()) : null,
            need[1] ? Broadcasting.reduceTo(dy.mul(out).muli(Transforms.log(x, true)), b.shape()) : null}, a, b);
    }

    /** {@code -a}. */
    public static Tensor neg(Tensor a) {
        return Autograd.record("neg", OpAttributes.none(), a.nd().neg(), (dy, need) -> new INDArray[] {dy.neg()}, a);
    }

    /** e to the power of each element. */
    public static Tensor exp(Tensor a) {
        INDArray out = Transforms.exp(floating(a), true);
        return Autograd.record("exp", OpAttributes.none(), out, (dy, need) -> new INDArray[] {dy.mul(out)}, a);
    }

    /** Natural logarithm. */
    public static Tensor log(Tensor a) {
        INDArray x = floating(a);
        return Autograd.record("log", OpAttributes.none(), Transforms.log(x, true), (dy, need) -> new INDArray[] {dy.div(x)}, a);
    }

    /** Square root. */
    public static Tensor sqrt(Tensor a) {
        INDArray out = Transforms.sqrt(floating(a), true);
        return Autograd.record("sqrt", OpAttributes.none(), out, (dy, need) -> new INDArray[] {dy.div(out.mul(2))}, a);
    }

    /** Absolute value (its gradient at 0 is 0). */
    public static Tensor abs(Tensor a) {
        INDArray x = a.nd();
        return Autograd.record("abs", OpAttributes.none(), Transforms.abs(x, true), (dy, need) -> new INDArray[] {dy.mul(Transforms.sign(x, true))}, a);
    }

    /** Elementwise maximum; at ties the gradient goes to {@code a}. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", a, b, true);
    }

    /** Elementwise minimum; at ties the gradient goes to {@code a}. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", a, b, false);
    }

    private static Tensor extremum(String op, Tensor a, Tensor b, boolean max) {
        INDArray[] p = Broadcasting.promote(a, b);
        long[] shape = Broadcasting.shape(a.shape(), b.shape());
        INDArray x = Broadcasting.to(p[0], shape);
        INDArray y = Broadcasting.to(p[1], shape);
        INDArray pickA = (max ? Comparison.ge(Tensor.wrap(x), Tensor.wrap(y)) : Comparison.le(Tensor.wrap(x), Tensor.wrap(y))).nd().castTo(x.dataType());
        INDArray out = x.mul(pickA).addi(y.mul(pickA.rsub(1)));
        return Autograd.record(op, OpAttributes.none(), out, (dy, need) -> new INDArray[] {
            need[0] ? Broadcasting.reduceTo(dy.mul(pickA), a.shape()) : null,
            need[1] ? Broadcasting.reduceTo(dy.mul(pickA.rsub(1)), b.shape()) : null}, a, b);
    }

    /** A copy in another dtype; gradients flow between float dtypes. */
    public static Tensor astype(Tensor a, DType dtype) {
        INDArray x = a.nd();
        INDArray out = x.dataType() == dtype.nd4j() ? x.dup() : x.castTo(dtype.nd4j());
        if (!dtype.isFloating() || !a.dtype().isFloating()) {
            return Tensor.wrap(out);
        }
        return Autograd.record("astype", out, (dy, need) -> new INDArray[] {dy.castTo(x.dataType())}, a);
    }

    /** The data as floats: integer and bool tensors become float32 for transcendental ops. */
    static INDArray floating(Tensor a) {
        return a.dtype().isFloating() ? a.nd() : a.nd().castTo(DType.FLOAT32.nd4j());
    }

    /** A tensor of {@code value} with the shape of {@code like}, for ops that need a constant operand. */
    static INDArray constantLike(INDArray like, double value) {
        return Nd4j.valueArrayOf(like.shape(), value, like.dataType());
    }
}
