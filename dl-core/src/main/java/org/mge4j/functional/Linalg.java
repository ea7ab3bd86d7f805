package org.mge4j.functional;

import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/** Matrix products: numpy's matmul rules (1-D operands, batched operands with broadcasting) and linear layers. */
public final class Linalg {
    private Linalg() {
    }

    /**
     * {@code a @ b} with optional transposes of the last two axes. 1-D operands are treated as a row (left) or a
     * column (right) vector and that axis is dropped from the result; leading batch axes broadcast.
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        Tensor x = a.ndim() == 1 ? a.reshape(1, a.shape(0)) : a;
        Tensor y = b.ndim() == 1 ? b.reshape(b.shape(0), 1) : b;
        Tensor out = x.ndim() == 2 && y.ndim() == 2 ? matmul2d(x, y, transposeA, transposeB)
                : batched(x, y, transposeA, transposeB);
        if (a.ndim() == 1 && b.ndim() == 1) {
            return out.reshape();
        }
        if (a.ndim() == 1) {
            return out.squeeze(-2);
        }
        if (b.ndim() == 1) {
            return out.squeeze(-1);
        }
        return out;
    }

    private static Tensor matmul2d(Tensor a, Tensor b, boolean ta, boolean tb) {
        INDArray[] p = Broadcasting.promoteDtypes(a, b);
        INDArray x = Native.contiguous(p[0]);
        INDArray y = Native.contiguous(p[1]);
        long inner = ta ? x.size(0) : x.size(1);
        if (inner != (tb ? y.size(1) : y.size(0))) {
            throw new IllegalArgumentException("matmul shapes do not match: " + Tensor.shapeString(x.shape())
                    + (ta ? "^T" : "") + " @ " + Tensor.shapeString(y.shape()) + (tb ? "^T" : ""));
        }
        // BLAS gemm with transpose flags: several times faster than mmul on transposed views for small matrices
        INDArray out = Nd4j.gemm(x, y, ta, tb);
        return Autograd.record("matmul", OpAttributes.create().with("transpose_a", ta).with("transpose_b", tb), out, (dy, need) -> {
            INDArray g = Native.contiguous(dy);
            INDArray da = !need[0] ? null : ta ? Nd4j.gemm(y, g, tb, true) : Nd4j.gemm(g, y, false, !tb);
            INDArray db = !need[1] ? null : tb ? Nd4j.gemm(g, x, true, ta) : Nd4j.gemm(x, g, !ta, false);
            return new INDArray[] {da, db};
        }, a, b);
    }

    private static Tensor batched(Tensor a, Tensor b, boolean ta, boolean tb) {
        long[] sa = a.shape();
        long[] sb = b.shape();
        int na = sa.length;
        int nb = sb.length;
        long[] batchA = java.util.Arrays.copyOf(sa, na - 2);
        long[] batchB = java.util.Arrays.copyOf(sb, nb - 2);
        long[] batch = Broadcasting.shape(batchA, batchB);
        long m = ta ? sa[na - 1] : sa[na - 2];
        long n = tb ? sb[nb - 2] : sb[nb - 1];
        Tensor x = a.broadcastTo(concat(batch, sa[na - 2], sa[na - 1]));
        Tensor y = b.broadcastTo(concat(batch, sb[nb - 2], sb[nb - 1]));
        long count = 1;
        for (long d : batch) {
            count *= d;
        }
        Tensor x3 = x.reshape(count, sa[na - 2], sa[na - 1]);
        Tensor y3 = y.reshape(count, sb[nb - 2], sb[nb - 1]);
        Tensor out = batchedSameShape(x3, y3, ta, tb);
        return out.reshape(concat(batch, m, n));
    }

    private static Tensor batchedSameShape(Tensor a, Tensor b, boolean ta, boolean tb) {
        INDArray[] p = Broadcasting.promoteDtypes(a, b);
        INDArray x = p[0].dup('c');
        INDArray y = p[1].dup('c');
        INDArray out = mmul3(x, y, ta, tb);
        return Autograd.record("matmul", OpAttributes.create().with("transpose_a", ta).with("transpose_b", tb), out, (dy, need) -> new INDArray[] {
            need[0] ? (ta ? mmul3(y, dy, tb, true) : mmul3(dy, y, false, !tb)) : null,
            need[1] ? (tb ? mmul3(dy, x, true, ta) : mmul3(x, dy, !ta, false)) : null}, a, b);
    }

    /** Batched product of two rank-3 arrays with equal batch size, through ND4J's matmul op. */
    private static INDArray mmul3(INDArray x, INDArray y, boolean tx, boolean ty) {
        return Nd4j.exec(new Mmul(x.dup('c'), y.dup('c'), tx, ty, false))[0];
    }

    /**
     * {@code x @ weight^T + bias} over the last axis of {@code x} ({@code (*, in)} to {@code (*, out)}), as MegEngine's
     * {@code linear}; {@code weight} is {@code (out, in)}, {@code bias} is {@code (out,)} or null.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.ndim() != 2) {
            throw new IllegalArgumentException("linear weight must be (out_features, in_features), got shape "
                    + Tensor.shapeString(weight.shape()));
        }
        long in = weight.shape(1);
        if (x.ndim() == 0 || x.shape(-1) != in) {
            throw new IllegalArgumentException("linear: input of shape " + Tensor.shapeString(x.shape()) + " does not end in "
                    + in + " features, as the weight " + Tensor.shapeString(weight.shape()) + " expects");
        }
        if (x.ndim() == 2 && (bias == null || bias.ndim() == 1) && x.dtype() == weight.dtype()
                && (bias == null || bias.dtype() == weight.dtype())) {
            return dense(x, weight, bias);
        }
        Tensor out;
        if (x.ndim() <= 2) {
            out = matmul(x, weight, false, true);
        } else {
            long[] shape = x.shape().clone();
            shape[shape.length - 1] = weight.shape(0);
            out = matmul(x.reshape(-1, in), weight, false, true).reshape(shape);
        }
        return bias == null ? out : Arithmetic.add(out, bias);
    }

    /** The common case as one op: {@code x (N, in) @ W^T + b}, with one gemm per gradient. */
    private static Tensor dense(Tensor x, Tensor weight, Tensor bias) {
        INDArray a = Native.contiguous(x.nd());
        INDArray w = Native.contiguous(weight.nd());
        INDArray out = Nd4j.gemm(a, w, false, true);
        if (bias != null) {
            out.addiRowVector(bias.nd());
        }
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Autograd.record("linear", OpAttributes.none(), out, (dy, need) -> {
            INDArray g = Native.contiguous(dy);
            INDArray[] grads = new INDArray[inputs.length];
            grads[0] = need[0] ? Nd4j.gemm(g, w, false, false) : null;
            grads[1] = need[1] ? Nd4j.gemm(g, a, true, false) : null;
            if (bias != null && need[2]) {
                grads[2] = g.sum(0);
            }
            return grads;
        }, inputs);
    }

    private static long[] concat(long[] batch, long r, long c) {
        long[] out = java.util.Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = r;
        out[batch.length + 1] = c;
        return out;
    }
}
