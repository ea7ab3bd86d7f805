package org.mge4j.optimizer;

import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Gradient clipping, as MegEngine's {@code optimizer.clip_grad}: call it between {@code gm.backward(loss)} and
 * {@code optimizer.step()}.
 *
 * <pre>{@code
 * gm.backward(loss);
 * ClipGrad.clipGradNorm(model.parameters(), 1.0);
 * optimizer.step().clearGrad();
 * }</pre>
 */
public final class ClipGrad {
    private ClipGrad() {
    }

    /** {@link #clipGradNorm(Iterable, double, double)} with the 2-norm. */
    public static Tensor clipGradNorm(Iterable<? extends Tensor> tensors, double maxNorm) {
        return clipGradNorm(tensors, maxNorm, 2.0);
    }

    /**
     * Scales the gradients so that their joint {@code ord}-norm is at most {@code maxNorm}:
     * {@code total = norm([norm(g1), norm(g2), ...])}, {@code scale = min(maxNorm / (total + 1e-6), 1)}, and each
     * gradient becomes {@code grad * scale}. Tensors without a gradient are left out.
     *
     * @param ord the norm: any positive p, {@code Double.POSITIVE_INFINITY} (largest magnitude),
     *            {@code Double.NEGATIVE_INFINITY} (smallest magnitude) or 0 (count of non-zeros)
     * @return the total norm before clipping as a 0-d float32 tensor ({@code 0.0} when no tensor has a gradient)
     */
    public static Tensor clipGradNorm(Iterable<? extends Tensor> tensors, double maxNorm, double ord) {
        List<Tensor> withGrad = new ArrayList<>();
        for (Tensor t : tensors) {
            if (t.grad() != null) {
                withGrad.add(t);
            }
        }
        if (withGrad.isEmpty()) {
            return Tensor.scalar(0.0);
        }
        double[] norms = new double[withGrad.size()];
        for (int i = 0; i < norms.length; i++) {
            norms[i] = norm(withGrad.get(i).grad().nd(), ord);
        }
        double total = norm(org.nd4j.linalg.factory.Nd4j.createFromArray(norms), ord);
        double scale = Math.min(maxNorm / (total + 1e-6), 1.0);
        for (Tensor t : withGrad) {
            t.setGrad(Tensor.wrap(t.grad().nd().mul(scale)));
        }
        return Tensor.scalar(total);
    }

    /** Clips every gradient elementwise into {@code [lower, upper]}; tensors without a gradient are skipped. */
    public static void clipGradValue(Iterable<? extends Tensor> tensors, double lower, double upper) {
        if (lower > upper) {
            throw new IllegalArgumentException("clipGradValue needs lower <= upper, got lower=" + lower + ", upper=" + upper);
        }
        for (Tensor t : tensors) {
            if (t.grad() != null) {
                INDArray g = t.grad().nd();
                t.setGrad(Tensor.wrap(Transforms.min(Transforms.max(g, lower, true), upper, false)));
            }
        }
    }

    /** MegEngine's {@code F.norm} of a flattened array, computed in double. */
    private static double norm(INDArray a, double ord) {
        INDArray x = Transforms.abs(a.castTo(DataType.DOUBLE), true);
        if (ord == 0) {
            return x.gt(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        }
        if (ord == Double.POSITIVE_INFINITY) {
            return x.maxNumber().doubleValue();
        }
        if (ord == Double.NEGATIVE_INFINITY) {
            return x.minNumber().doubleValue();
        }
        if (ord == 2) {
            return x.norm2Number().doubleValue();
        }
        if (ord == 1) {
            return x.sumNumber().doubleValue();
        }
        return Math.pow(Transforms.pow(x, ord, false).sumNumber().doubleValue(), 1.0 / ord);
    }
}
