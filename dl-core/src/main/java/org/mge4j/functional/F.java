package org.mge4j.functional;

import java.util.List;
import org.mge4j.DType;
import org.mge4j.Tensor;

/**
 * The functional API as notebooks type it, like {@code megengine.functional}: {@code F.relu(x)},
 * {@code F.flatten(x, 1)}, {@code F.crossEntropy(logits, label)}. Every differentiable function records its
 * backward while a {@link org.mge4j.autodiff.GradManager} records. Names are MegEngine's in camelCase; optional
 * arguments are overloads with MegEngine's defaults.
 */
public final class F {
    private F() {
    }

    // ---------------------------------------------------------------- arithmetic

    /** {@code a + b} with broadcasting. */
    public static Tensor add(Tensor a, Tensor b) { return Arithmetic.add(a, b); }

    /** {@code a + value}. */
    public static Tensor add(Tensor a, double value) { return a.add(value); }

    /** {@code a - b} with broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) { return Arithmetic.sub(a, b); }

    /** {@code a - value}. */
    public static Tensor sub(Tensor a, double value) { return a.sub(value); }

    /** {@code a * b} with broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) { return Arithmetic.mul(a, b); }

    /** {@code a * value}. */
    public static Tensor mul(Tensor a, double value) { return a.mul(value); }

    /** True division {@code a / b} with broadcasting; integer operands give float32. */
    public static Tensor div(Tensor a, Tensor b) { return Arithmetic.div(a, b); }

    /** {@code a / value}. */
    public static Tensor div(Tensor a, double value) { return a.div(value); }

    /** {@code a ** b} elementwise with broadcasting. */
    public static Tensor pow(Tensor a, Tensor b) { return Arithmetic.pow(a, b); }

    /** {@code a ** exponent}. */
    public static Tensor pow(Tensor a, double exponent) { return a.pow(exponent); }

    /** {@code -a}. */
    public static Tensor neg(Tensor a) { return Arithmetic.neg(a); }

    /** e to the power of each element. */
    public static Tensor exp(Tensor a) { return Arithmetic.exp(a); }

    /** Natural logarithm. */
    public static Tensor log(Tensor a) { return Arithmetic.log(a); }

    /** Square root. */
    public static Tensor sqrt(Tensor a) { return Arithmetic.sqrt(a); }

    /** Absolute value. */
    public static Tensor abs(Tensor a) { return Arithmetic.abs(a); }

    /** Elementwise maximum with broadcasting. */
    public static Tensor maximum(Tensor a, Tensor b) { return Arithmetic.maximum(a, b); }

    /** Elementwise minimum with broadcasting. */
    public static Tensor minimum(Tensor a, Tensor b) { return Arithmetic.minimum(a, b); }

    /** A copy in another dtype; gradients flow between float dtypes. */
    public static Tensor astype(Tensor a, DType dtype) { return Arithmetic.astype(a, dtype); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements. */
    public static Tensor sum(Tensor x) { return Reduction.sum(x, null, false); }

    /** Sum along {@code axis}. */
    public static Tensor sum(Tensor x, int axis) { return Reduction.sum(x, new int[] {axis}, false); }

    /** Sum along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor sum(Tensor x, int axis, boolean keepdims) { return Reduction.sum(x, new int[] {axis}, keepdims); }

    /** Sum along {@code axes} ({@code null}: all). */
    public static Tensor sum(Tensor x, int[] axes, boolean keepdims) { return Reduction.sum(x, axes, keepdims); }

    /** Mean of all elements. */
    public static Tensor mean(Tensor x) { return Reduction.mean(x, null, false); }

    /** Mean along {@code axis}. */
    public static Tensor mean(Tensor x, int axis) { return Reduction.mean(x, new int[] {axis}, false); }

    /** Mean along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor mean(Tensor x, int axis, boolean keepdims) { return Reduction.mean(x, new int[] {axis}, keepdims); }

    /** Mean along {@code axes} ({@code null}: all). */
    public static Tensor mean(Tensor x, int[] axes, boolean keepdims) { return Reduction.mean(x, axes, keepdims); }

    /** Maximum of all elements. */
    public static Tensor max(Tensor x) { return Reduction.max(x, null, false); }

    /** Maximum along {@code axis}. */
    public static Tensor max(Tensor x, int axis) { return Reduction.max(x, new int[] {axis}, false); }

    /** Maximum along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor max(Tensor x, int axis, boolean keepdims) { return Reduction.max(x, new int[] {axis}, keepdims); }

    /** Maximum along {@code axes} ({@code null}: all). */
    public static Tensor max(Tensor x, int[] axes, boolean keepdims) { return Reduction.max(x, axes, keepdims); }

    /** Minimum of all elements. */
    public static Tensor min(Tensor x) { return Reduction.min(x, null, false); }

    /** Minimum along {@code axis}. */
    public static Tensor min(Tensor x, int axis) { return Reduction.min(x, new int[] {axis}, false); }

    /** Minimum along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor min(Tensor x, int axis, boolean keepdims) { return Reduction.min(x, new int[] {axis}, keepdims); }

    /** Minimum along {@code axes} ({@code null}: all). */
    public static Tensor min(Tensor x, int[] axes, boolean keepdims) { return Reduction.min(x, axes, keepdims); }

    /** Product of all elements. */
    public static Tensor prod(Tensor x) { return Reduction.prod(x, null, false); }

    /** Product along {@code axis}. */
    public static Tensor prod(Tensor x, int axis) { return Reduction.prod(x, new int[] {axis}, false); }

    /** Product along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor prod(Tensor x, int axis, boolean keepdims) { return Reduction.prod(x, new int[] {axis}, keepdims); }

    /** Product along {@code axes} ({@code null}: all). */
    public static Tensor prod(Tensor x, int[] axes, boolean keepdims) { return Reduction.prod(x, axes, keepdims); }

    /** Index (int32) of the maximum of the flattened tensor. */
    public static Tensor argmax(Tensor x) { return Reduction.argmax(x, null, false); }

    /** Indices (int32) of the maximum along {@code axis}. */
    public static Tensor argmax(Tensor x, int axis) { return Reduction.argmax(x, axis, false); }

    /** Indices (int32) of the maximum along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor argmax(Tensor x, int axis, boolean keepdims) { return Reduction.argmax(x, axis, keepdims); }

    /** Index (int32) of the minimum of the flattened tensor. */
    public static Tensor argmin(Tensor x) { return Reduction.argmin(x, null, false); }

    /** Indices (int32) of the minimum along {@code axis}. */
    public static Tensor argmin(Tensor x, int axis) { return Reduction.argmin(x, axis, false); }

    /** Indices (int32) of the minimum along {@code axis}, keeping it as size 1 when {@code keepdims}. */
    public static Tensor argmin(Tensor x, int axis, boolean keepdims) { return Reduction.argmin(x, axis, keepdims); }

    /**
     * The {@code ord}-norm along {@code axis} (MegEngine's {@code norm}); {@code axis == null} needs a 1-D input.
     * {@code ord} 0 counts non-zeros, {@code ±Infinity} is the max/min of {@code |x|}.
     */
    public static Tensor norm(Tensor x, double ord, Integer axis, boolean keepdims) { return Norms.norm(x, ord, axis, keepdims); }

    /** The {@code ord}-norm along {@code axis}. */
    public static Tensor norm(Tensor x, double ord, int axis) { return Norms.norm(x, ord, axis, false); }

    /** The {@code ord}-norm of a 1-D tensor. */
    public static Tensor norm(Tensor x, double ord) { return Norms.norm(x, ord, null, false); }

    /** The Euclidean norm of a 1-D tensor. */
    public static Tensor norm(Tensor x) { return Norms.norm(x, 2, null, false); }

    // ---------------------------------------------------------------- matrix products

    /** {@code a @ b} with numpy's matmul rules (1-D operands, broadcast batch axes). */
    public static Tensor matmul(Tensor a, Tensor b) { return Linalg.matmul(a, b, false, false); }

    /** {@code a @ b}, transposing the last two axes of either operand first. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return Linalg.matmul(a, b, transposeA, transposeB);
    }

    /** {@code x @ weight^T + bias} over {@code (*, in)}; weight {@code (out, in)}, bias {@code (out,)} or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return Linalg.linear(x, weight, bias); }

    /** {@code x @ weight^T}. */
    public static Tensor linear(Tensor x, Tensor weight) { return Linalg.linear(x, weight, null); }

    // ---------------------------------------------------------------- shapes

    /** The same data with a new shape; one dimension may be -1. */
    public static Tensor reshape(Tensor x, long... shape) { return Shapes.reshape(x, shape); }

    /** All axes merged into one. */
    public static Tensor flatten(Tensor x) { return Shapes.flatten(x, 0, -1); }

    /** Axes {@code startAxis..} to the last merged into one ({@code F.flatten(x, 1)} keeps the batch axis). */
    public static Tensor flatten(Tensor x, int startAxis) { return Shapes.flatten(x, startAxis, -1); }

    /** Axes {@code startAxis..endAxis} (inclusive) merged into one. */
    public static Tensor flatten(Tensor x, int startAxis, int endAxis) { return Shapes.flatten(x, startAxis, endAxis); }

    /** Axes permuted by {@code pattern}; no pattern reverses them. */
    public static Tensor transpose(Tensor x, int... pattern) { return Shapes.transpose(x, pattern); }

    /** A new axis of size 1 at {@code axis}. */
    public static Tensor expandDims(Tensor x, int axis) { return Shapes.expandDims(x, axis); }

    /** Every axis of size 1 removed. */
    public static Tensor squeeze(Tensor x) { return Shapes.squeeze(x, null); }

    /** The given axes (each of size 1) removed. */
    public static Tensor squeeze(Tensor x, int... axes) { return Shapes.squeeze(x, axes); }

    /** {@code x} broadcast to {@code shape}. */
    public static Tensor broadcastTo(Tensor x, long... shape) { return Shapes.broadcastTo(x, shape); }

    /** Tensors joined along an existing axis. */
    public static Tensor concat(List<Tensor> tensors, int axis) { return Shapes.concat(tensors, axis); }

    /** Tensors joined along axis 0. */
    public static Tensor concat(List<Tensor> tensors) { return Shapes.concat(tensors, 0); }

    /** Tensors of equal shape stacked along a new axis. */
    public static Tensor stack(List<Tensor> tensors, int axis) { return Shapes.stack(tensors, axis); }

    /** Tensors of equal shape stacked along a new axis 0. */
    public static Tensor stack(List<Tensor> tensors) { return Shapes.stack(tensors, 0); }

    /** {@code x} split into {@code sections} equal parts along {@code axis}. */
    public static List<Tensor> split(Tensor x, int sections, int axis) { return Shapes.split(x, sections, axis); }

    /** {@code x} split at the given positions along {@code axis}. */
    public static List<Tensor> split(Tensor x, long[] points, int axis) { return Shapes.split(x, points, axis); }

    // ---------------------------------------------------------------- creation

    /** float32 zeros. */
    public static Tensor zeros(long... shape) { return Tensor.zeros(shape); }

    /** float32 ones. */
    public static Tensor ones(long... shape) { return Tensor.ones(shape); }

    /** Zeros with the shape and dtype of {@code like}. */
    public static Tensor zerosLike(Tensor like) { return Tensor.zerosLike(like); }

    /** Ones with the shape and dtype of {@code like}. */
    public static Tensor onesLike(Tensor like) { return Tensor.onesLike(like); }

    /** {@code [0, 1, ..., stop)} as float32. */
    public static Tensor arange(double stop) { return Tensor.arange(stop); }

    /** {@code [start, start+step, ...)} up to {@code stop} (exclusive), float32. */
    public static Tensor arange(double start, double stop, double step) { return Tensor.arange(start, stop, step); }

    /** {@code num} evenly spaced values from {@code start} to {@code stop} inclusive. */
    public static Tensor linspace(double start, double stop, int num) { return Tensor.linspace(start, stop, num); }

    // ---------------------------------------------------------------- activations

    /** {@code max(x, 0)}. */
    public static Tensor relu(Tensor x) { return Activations.relu(x); }

    /** {@code 1 / (1 + exp(-x))}. */
    public static Tensor sigmoid(Tensor x) { return Activations.sigmoid(x); }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) { return Activations.tanh(x); }

    /** Leaky ReLU with MegEngine's default negative slope 0.01. */
    public static Tensor leakyRelu(Tensor x) { return Activations.leakyRelu(x, 0.01); }

    /** Leaky ReLU: {@code x} where positive, {@code negativeSlope * x} elsewhere. */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) { return Activations.leakyRelu(x, negativeSlope); }

    /** GELU, exact erf form {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    public static Tensor gelu(Tensor x) { return Activations.gelu(x); }

    /** Softmax along MegEngine's default axis: 0 when ndim is 0, 1 or 3, and 1 otherwise. */
    public static Tensor softmax(Tensor x) { return Softmax.softmax(x, Softmax.defaultAxis(x.ndim())); }

    /** Softmax along {@code axis}. */
    public static Tensor softmax(Tensor x, int axis) { return Softmax.softmax(x, axis); }

    /** {@code log(softmax(x, axis))}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int axis) { return Softmax.logSoftmax(x, axis); }

    /** {@code log(sum(exp(x), axis))}, shifted by the maximum. */
    public static Tensor logsumexp(Tensor x, int axis) { return Softmax.logsumexp(x, axis, false); }

    /** {@code log(sum(exp(x), axis))}, keeping the axis as size 1 when {@code keepdims}. */
    public static Tensor logsumexp(Tensor x, int axis, boolean keepdims) { return Softmax.logsumexp(x, axis, keepdims); }

    // ---------------------------------------------------------------- convolution and pooling

    /** 2-D convolution, stride 1, no padding, no bias. Weight {@code (out, in, kh, kw)}. */
    public static Tensor conv2d(Tensor x, Tensor weight) { return conv2d(x, weight, null, 1, 0, 1, 1); }

    /** 2-D convolution plus {@code bias (1, out, 1, 1)} (or null), stride 1, no padding. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) { return conv2d(x, weight, bias, 1, 0, 1, 1); }

    /** 2-D convolution with the same stride and padding on both axes. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /**
     * 2-D convolution with the same stride, padding and dilation on both axes, and {@code groups} (weight then
     * {@code (groups, out/groups, in/groups, kh, kw)} as MegEngine, or {@code (out, in/groups, kh, kw)}).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return Convolution.conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, groups);
    }

    /** 2-D convolution with {@code (h, w)} pairs for stride, padding and dilation. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** Max pooling with a square window, stride = window, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) { return maxPool2d(x, kernel, kernel, 0); }

    /** Max pooling with a square window and stride. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride) { return maxPool2d(x, kernel, stride, 0); }

    /** Max pooling; padded cells are ignored. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return Pooling.maxPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    /** Max pooling with {@code (h, w)} pairs. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return Pooling.maxPool2d(x, kernel, stride, padding);
    }

    /** Average pooling with a square window, stride = window, no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) { return avgPool2d(x, kernel, kernel, 0); }

    /** Average pooling with a square window and stride. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride) { return avgPool2d(x, kernel, stride, 0); }

    /** Average pooling, padded cells excluded from the count (MegEngine's default mode). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return avgPool2d(x, kernel, stride, padding, "average_count_exclude_padding");
    }

    /** Average pooling in mode {@code "average_count_exclude_padding"} or {@code "average"} (padding counted). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, String mode) {
        return Pooling.avgPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                Pooling.AvgMode.of(mode));
    }

    /** Average pooling with {@code (h, w)} pairs. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, String mode) {
        return Pooling.avgPool2d(x, kernel, stride, padding, Pooling.AvgMode.of(mode));
    }

    // ---------------------------------------------------------------- normalisation and regularisation

    /**
     * Batch normalisation with momentum 0.9 and eps 1e-5. In training the running statistics (may be null) are
     * updated in place; in eval they normalise. {@code weight} and {@code bias} may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, 0.9, 1e-5);
    }

    /** Batch normalisation: {@code running = momentum * running + (1 - momentum) * batch} (unbiased variance). */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Dropout in training mode: zeroes with probability {@code dropProb}, survivors scaled by {@code 1/(1-p)}. */
    public static Tensor dropout(Tensor x, double dropProb) { return Dropout.dropout(x, dropProb, true); }

    /** Dropout; the identity when {@code training} is false. */
    public static Tensor dropout(Tensor x, double dropProb, boolean training) { return Dropout.dropout(x, dropProb, training); }

    // ---------------------------------------------------------------- losses

    /** Cross entropy of logits {@code pred (N, C, ...)} and int labels {@code (N, ...)}, averaged. */
    public static Tensor crossEntropy(Tensor pred, Tensor label) { return Losses.crossEntropy(pred, label, 1, true, 0, "mean"); }

    /** Cross entropy with the class axis {@code axis}. */
    public static Tensor crossEntropy(Tensor pred, Tensor label, int axis) {
        return Losses.crossEntropy(pred, label, axis, true, 0, "mean");
    }

    /**
     * Cross entropy as MegEngine's {@code cross_entropy(pred, label, axis, with_logits, label_smooth, reduction)};
     * {@code withLogits == false} means {@code pred} holds probabilities; reduction is "none", "mean" or "sum".
     */
    public static Tensor crossEntropy(Tensor pred, Tensor label, int axis, boolean withLogits, double labelSmooth, String reduction) {
        return Losses.crossEntropy(pred, label, axis, withLogits, labelSmooth, reduction);
    }

    /** Mean squared error. */
    public static Tensor squareLoss(Tensor pred, Tensor label) { return Losses.squareLoss(pred, label, "mean"); }

    /** Squared error with reduction "none", "mean" or "sum". */
    public static Tensor squareLoss(Tensor pred, Tensor label, String reduction) { return Losses.squareLoss(pred, label, reduction); }

    /** Mean absolute error. */
    public static Tensor l1Loss(Tensor pred, Tensor label) { return Losses.l1Loss(pred, label, "mean"); }

    /** Absolute error with reduction "none", "mean" or "sum". */
    public static Tensor l1Loss(Tensor pred, Tensor label, String reduction) { return Losses.l1Loss(pred, label, reduction); }

    /** Binary cross entropy of logits, averaged. */
    public static Tensor binaryCrossEntropy(Tensor pred, Tensor label) { return Losses.binaryCrossEntropy(pred, label, true, "mean"); }

    /** Binary cross entropy of logits ({@code withLogits}) or probabilities, averaged. */
    public static Tensor binaryCrossEntropy(Tensor pred, Tensor label, boolean withLogits) {
        return Losses.binaryCrossEntropy(pred, label, withLogits, "mean");
    }

    /** Binary cross entropy with reduction "none", "mean" or "sum". */
    public static Tensor binaryCrossEntropy(Tensor pred, Tensor label, boolean withLogits, String reduction) {
        return Losses.binaryCrossEntropy(pred, label, withLogits, reduction);
    }

    // ---------------------------------------------------------------- selection

    /** {@code x} limited to {@code [lower, upper]}; the gradient passes inside the range. */
    public static Tensor clip(Tensor x, double lower, double upper) { return Selection.clip(x, lower, upper); }

    /** {@code x} limited to {@code [lower, upper]}; a null bound is no limit. */
    public static Tensor clip(Tensor x, Double lower, Double upper) { return Selection.clip(x, lower, upper); }

    /** {@code mask ? x : y} elementwise; gradients go to the branch taken. */
    public static Tensor where(Tensor mask, Tensor x, Tensor y) { return Selection.where(mask, x, y); }

    /** The {@code k} largest elements along the last axis and their int32 indices, sorted. */
    public static TopK.Result topk(Tensor x, int k) { return TopK.topk(x, k, true, false, false); }

    /** The {@code k} largest ({@code descending}) or smallest elements along the last axis, with indices. */
    public static TopK.Result topk(Tensor x, int k, boolean descending) { return TopK.topk(x, k, descending, false, false); }

    /** topk with MegEngine's {@code kth_only} (only the k-th element) and {@code no_sort} flags. */
    public static TopK.Result topk(Tensor x, int k, boolean descending, boolean kthOnly, boolean noSort) {
        return TopK.topk(x, k, descending, kthOnly, noSort);
    }

    /** Zero padding by {@code padWidth[axis] = {before, after}}. */
    public static Tensor pad(Tensor x, long[][] padWidth) { return Padding.pad(x, padWidth, Padding.Mode.CONSTANT, 0); }

    /** Padding in mode "constant" (zeros), "reflect" or "edge". */
    public static Tensor pad(Tensor x, long[][] padWidth, String mode) { return Padding.pad(x, padWidth, Padding.Mode.of(mode), 0); }

    /** Padding in mode "constant" (with {@code value}), "reflect" or "edge". */
    public static Tensor pad(Tensor x, long[][] padWidth, String mode, double value) {
        return Padding.pad(x, padWidth, Padding.Mode.of(mode), value);
    }

    /** Zero padding with {@code int} widths. */
    public static Tensor pad(Tensor x, int[][] padWidth) { return pad(x, toLong(padWidth)); }

    /** Padding with {@code int} widths in mode "constant", "reflect" or "edge". */
    public static Tensor pad(Tensor x, int[][] padWidth, String mode) { return pad(x, toLong(padWidth), mode); }

    /** Padding with {@code int} widths, a mode and a constant value. */
    public static Tensor pad(Tensor x, int[][] padWidth, String mode, double value) { return pad(x, toLong(padWidth), mode, value); }

    private static long[][] toLong(int[][] w) {
        long[][] out = new long[w.length][];
        for (int i = 0; i < w.length; i++) {
            out[i] = new long[w[i].length];
            for (int j = 0; j < w[i].length; j++) {
                out[i][j] = w[i][j];
            }
        }
        return out;
    }
}
