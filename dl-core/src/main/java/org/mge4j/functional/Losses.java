package org.mge4j.functional;

import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Loss functions of {@code megengine.functional.loss}, each with MegEngine's {@code reduction} ("none", "mean", "sum"). */
final class Losses {
    private Losses() {
    }

    /**
     * Cross entropy between {@code pred} and integer class labels along {@code axis}, as MegEngine's
     * {@code cross_entropy}: with logits, {@code logsumexp(pred) - ls * mean(pred) - (1 - ls) * pred[label]};
     * without, {@code pred} holds probabilities and the loss is the same on {@code log(pred)} with a zero
     * normaliser. {@code pred.ndim} must be {@code label.ndim + 1}.
     */
    public static Tensor crossEntropy(Tensor pred, Tensor label, int axis, boolean withLogits, double labelSmooth, String reduction) {
        checkReduction(reduction);
        if (pred.ndim() != label.ndim() + 1) {
            throw new IllegalArgumentException("target ndim must be one less than input ndim; input_ndim=" + pred.ndim()
                    + " target_ndim=" + label.ndim());
        }
        if (label.dtype().isFloating() && label.dtype() != DType.BOOL) {
            checkIntegral(label);
        }
        int ax = Shapes.normAxis(axis, pred.ndim());
        long classes = pred.shape(ax);
        INDArray oneHot = oneHot(pred, label, ax, classes);
        Tensor loss = withLogits ? logitLoss(pred, oneHot, ax, labelSmooth)
                : probabilityLoss(pred, Tensor.wrap(oneHot), ax, labelSmooth);
        return reduce(loss, reduction);
    }

    /** The fused loss on logits: forward and its gradient {@code softmax - ls/C - (1 - ls) * onehot}. */
    private static Tensor logitLoss(Tensor pred, INDArray oneHot, int ax, double ls) {
        INDArray a = Arithmetic.floating(pred);
        INDArray max = a.max(true, ax);
        INDArray e = Transforms.exp(a.sub(max), false);
        INDArray sum = e.sum(true, ax);
        INDArray logZ = Transforms.log(sum, true).addi(max);
        long classes = a.size(ax);
        INDArray primary = a.mul(oneHot).sum(true, ax);
        INDArray loss = logZ.sub(primary.mul(1 - ls));
        if (ls != 0) {
            loss.subi(a.mean(true, ax).muli(ls));
        }
        long[] kept = loss.shape();
        INDArray out = loss.reshape(Softmax.dropAxis(kept, ax));
        return Autograd.record("cross_entropy", out, (dy, need) -> {
            INDArray g = e.div(sum);
            g.subi(oneHot.mul(1 - ls));
            if (ls != 0) {
                g.subi(ls / classes);
            }
            return new INDArray[] {g.muli(dy.reshape(kept))};
        }, pred);
    }

    private static Tensor probabilityLoss(Tensor pred, Tensor oneHot, int ax, double ls) {
        Tensor logp = Arithmetic.log(pred);
        Tensor loss = Reduction.sum(logp.mul(oneHot), new int[] {ax}, false).mul(-(1 - ls));
        if (ls != 0) {
            loss = loss.sub(Reduction.mean(logp, new int[] {ax}, false).mul(ls));
        }
        return loss;
    }

    /** One-hot of {@code label} along {@code ax} in pred's dtype; labels outside {@code [0, classes)} are refused. */
    private static INDArray oneHot(Tensor pred, Tensor label, int ax, long classes) {
        // built in Java from the label values: a dozen tiny native ops cost more than the whole loss
        long[] ps = pred.shape();
        long inner = 1;
        for (int i = ax + 1; i < ps.length; i++) {
            inner *= ps[i];
        }
        long[] labels = label.nd().dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.LONG).data().asLong();
        double[] hot = new double[Math.toIntExact(labels.length * classes)];
        for (int i = 0; i < labels.length; i++) {
            long c = labels[i];
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("cross_entropy labels must be class indices in [0, " + classes
                        + "), got " + c + " at position " + i);
            }
            long outer = i / inner;
            hot[(int) ((outer * classes + c) * inner + i % inner)] = 1;
        }
        org.nd4j.linalg.api.buffer.DataType dt = Arithmetic.floating(pred).dataType();
        return Nd4j.createFromArray(hot).reshape('c', ps).castTo(dt);
    }

    /**
     * Binary cross entropy. With logits (the default) it is the stable
     * {@code max(x, 0) - x * y + log(1 + exp(-|x|))}; without, {@code -(y log p + (1 - y) log(1 - p))}.
     */
    public static Tensor binaryCrossEntropy(Tensor pred, Tensor label, boolean withLogits, String reduction) {
        checkReduction(reduction);
        checkSameShape("binary_cross_entropy", pred, label);
        Tensor loss;
        if (withLogits) {
            INDArray x = Arithmetic.floating(pred);
            INDArray y = Broadcasting.cast(label.nd(), DType.of(x.dataType()));
            INDArray out = Transforms.max(x, 0.0, true).subi(x.mul(y))
                    .addi(Transforms.log(Transforms.exp(Transforms.abs(x, true).negi(), false).addi(1), false));
            loss = Autograd.record("binary_cross_entropy", out, (dy, need) -> new INDArray[] {
                need[0] ? Transforms.sigmoid(x, true).subi(y).muli(dy) : null,
                need[1] ? x.mul(dy).negi() : null}, pred, label);
        } else {
            Tensor one = Tensor.scalar(1, pred.dtype().isFloating() ? pred.dtype() : DType.FLOAT32);
            loss = label.mul(Arithmetic.log(pred)).add(one.sub(label).mul(Arithmetic.log(one.sub(pred)))).neg();
        }
        return reduce(loss, reduction);
    }

    /** Squared error {@code (pred - label)^2}, reduced ({@code square_loss}, also known as MSE). */
    public static Tensor squareLoss(Tensor pred, Tensor label, String reduction) {
        checkReduction(reduction);
        Tensor d = pred.sub(label);
        return reduce(d.mul(d), reduction);
    }

    /** Absolute error {@code |pred - label|}, reduced ({@code l1_loss}). */
    public static Tensor l1Loss(Tensor pred, Tensor label, String reduction) {
        checkReduction(reduction);
        return reduce(pred.sub(label).abs(), reduction);
    }

    static Tensor reduce(Tensor loss, String reduction) {
        switch (reduction) {
            case "mean":
                return Reduction.mean(loss, null, false);
            case "sum":
                return Reduction.sum(loss, null, false);
            default:
                return loss;
        }
    }

    private static void checkReduction(String reduction) {
        if (!"none".equals(reduction) && !"mean".equals(reduction) && !"sum".equals(reduction)) {
            throw new IllegalArgumentException(reduction + " reduction is not supported; use \"none\", \"mean\" or \"sum\"");
        }
    }

    private static void checkSameShape(String op, Tensor pred, Tensor label) {
        if (!java.util.Arrays.equals(pred.shape(), label.shape())) {
            throw new IllegalArgumentException(op + ": pred shape " + Tensor.shapeString(pred.shape()) + " and label shape "
                    + Tensor.shapeString(label.shape()) + " must be equal");
        }
    }

    private static void checkIntegral(Tensor label) {
        INDArray l = label.nd();
        if (l.length() > 0 && !l.eq(Transforms.floor(l, true)).all()) {
            throw new IllegalArgumentException("cross_entropy labels must be integer class indices, got a " + label.dtype()
                    + " tensor with fractional values");
        }
    }
}
