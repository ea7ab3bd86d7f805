package org.mge4j;

import java.util.Arrays;
import java.util.List;
import org.mge4j.autodiff.Node;
import org.mge4j.functional.Arithmetic;
import org.mge4j.functional.Comparison;
import org.mge4j.functional.Indexing;
import org.mge4j.functional.Linalg;
import org.mge4j.functional.Reduction;
import org.mge4j.functional.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An n-dimensional array on a {@link Device}, backed by ND4J, that records the ops applied to it while a
 * {@link org.mge4j.autodiff.GradManager} records: MegEngine's {@code Tensor}.
 *
 * <p>Create tensors with {@link #of(Object)} (nested Java arrays), {@link #scalar}, {@link #zeros},
 * {@link #ones}, {@link #full}, {@link #arange}, {@link #linspace}, {@link #randn}, {@link #rand} and
 * {@link #uniform}. Java {@code int} data becomes int32 and {@code double} data float32 unless a dtype is given,
 * as in MegEngine. Ops follow numpy broadcasting.
 */
public class Tensor {
    static {
        Backend.init();
    }

    private INDArray data;
    /**
     * Whose reused memory this tensor lives on: a {@link Scratch} scope (positive), an {@link ActivationMemory}
     * generation (negative), or 0 for ordinary memory.
     */
    private final long scope;
    private Device device;
    private Node node;
    private Tensor grad;
    private String name;
    private List<org.mge4j.autodiff.GradManager> gradManagers = List.of();

    /** Wraps a copy of another tensor's data (MegEngine's {@code Tensor(t)}); the result has no history. */
    public Tensor(Tensor other) {
        this(other.nd().dup(), other.device);
    }

    /** Creates a tensor from nested Java arrays or a number (see {@link #of(Object)}). */
    public Tensor(Object data) {
        this(NestedArrays.toNd(data, null), Device.CPU0);
    }

    /** Creates a tensor from nested Java arrays or a number, converted to {@code dtype}. */
    public Tensor(Object data, DType dtype) {
        this(NestedArrays.toNd(data, dtype), Device.CPU0);
    }

    Tensor(INDArray data, Device device) {
        this(data, device, Scratch.activeId() != 0 ? Scratch.activeId() : ActivationMemory.generationOf(data));
    }

    private Tensor(INDArray data, Device device, long scope) {
        DType.of(data.dataType());
        this.data = data;
        this.device = device;
        this.scope = scope;
    }

    /** Wraps an ND4J array without copying. Ops use this for their results. */
    public static Tensor wrap(INDArray data) {
        return new Tensor(data, Device.CPU0);
    }


    // ---------------------------------------------------------------- creation

    /**
     * A tensor from a number or nested Java arrays ({@code float[][]}, {@code int[]}, {@code double[][][]},
     * {@code boolean[]}, ...). int data gives int32, long data int64, float and double data float32, boolean
     * data bool, as MegEngine does for Python values.
     */
    public static Tensor of(Object data) {
        return new Tensor(data);
    }

    /** A tensor from a number or nested Java arrays, converted to {@code dtype}. */
    public static Tensor of(Object data, DType dtype) {
        return new Tensor(data, dtype);
    }

    /** A float32 tensor from flat values and a shape. */
    public static Tensor of(float[] values, long... shape) {
        return wrap(NestedArrays.toNd(values, null).reshape('c', shape));
    }

    /** A 0-d float32 tensor. */
    public static Tensor scalar(double value) {
        return of(value);
    }

    /** A 0-d tensor of the given dtype. */
    public static Tensor scalar(double value, DType dtype) {
        return of(value, dtype);
    }

    /** A float32 tensor of zeros. */
    public static Tensor zeros(long... shape) {
        return full(shape, 0, DType.FLOAT32);
    }

    /** A tensor of zeros of the given dtype. */
    public static Tensor zeros(DType dtype, long... shape) {
        return full(shape, 0, dtype);
    }

    /** A float32 tensor of ones. */
    public static Tensor ones(long... shape) {
        return full(shape, 1, DType.FLOAT32);
    }

    /** A tensor of ones of the given dtype. */
    public static Tensor ones(DType dtype, long... shape) {
        return full(shape, 1, dtype);
    }

    /** A float32 tensor filled with {@code value}. */
    public static Tensor full(long[] shape, double value) {
        return full(shape, value, DType.FLOAT32);
    }

    /** A tensor of the given dtype filled with {@code value}. */
    public static Tensor full(long[] shape, double value, DType dtype) {
        return wrap(Creation.full(shape, value, dtype));
    }

    /** Zeros with the shape and dtype of {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return full(like.shape(), 0, like.dtype());
    }

    /** Ones with the shape and dtype of {@code like}. */
    public static Tensor onesLike(Tensor like) {
        return full(like.shape(), 1, like.dtype());
    }

    /** {@code [0, 1, ..., stop-1]} as float32, like MegEngine's {@code F.arange}. */
    public static Tensor arange(double stop) {
        return arange(0, stop, 1);
    }

    /** {@code [start, start+step, ...)} up to {@code stop} (exclusive), float32. */
    public static Tensor arange(double start, double stop, double step) {
        return arange(start, stop, step, DType.FLOAT32);
    }

    /** {@code [start, start+step, ...)} up to {@code stop} (exclusive), in the given dtype. */
    public static Tensor arange(double start, double stop, double step, DType dtype) {
        return wrap(Creation.arange(start, stop, step, dtype));
    }

    /** {@code num} evenly spaced float32 values from {@code start} to {@code stop}, both included. */
    public static Tensor linspace(double start, double stop, int num) {
        return wrap(Creation.linspace(start, stop, num));
    }

    /** Standard normal float32 samples, drawn from the generator seeded by {@link Mge#seed}. */
    public static Tensor randn(long... shape) {
        return normal(0, 1, shape);
    }

    /** Normal float32 samples with the given mean and standard deviation. */
    public static Tensor normal(double mean, double std, long... shape) {
        return wrap(Creation.normal(mean, std, shape));
    }

    /** Uniform float32 samples in [0, 1). */
    public static Tensor rand(long... shape) {
        return uniform(0, 1, shape);
    }

    /** Uniform float32 samples in [low, high). */
    public static Tensor uniform(double low, double high, long... shape) {
        return wrap(Creation.uniform(low, high, shape));
    }

    /** A 0-d tensor holding {@code value} in the dtype an op with {@code like} should see (float32 for int tensors). */
    static Tensor scalarLike(double value, Tensor like) {
        DType d = like.dtype().isFloating() ? like.dtype()
                : (value == Math.rint(value) && !Double.isInfinite(value) && like.dtype() != DType.BOOL ? like.dtype() : DType.FLOAT32);
        return wrap(Creation.full(new long[0], value, d));
    }

    // ---------------------------------------------------------------- metadata

    /** The shape, for example {@code [64, 1, 28, 28]}; a scalar has shape {@code []}. */
    public long[] shape() {
        return data.shape();
    }

    /** The size of one axis; negative axes count from the end. */
    public long shape(int axis) {
        return data.size(Shapes.normAxis(axis, ndim()));
    }

    /** Number of axes. */
    public int ndim() {
        return data.rank();
    }

    /** Number of elements. */
    public long size() {
        return data.length();
    }

    /** The element type. */
    public DType dtype() {
        return DType.of(data.dataType());
    }

    /** The device the data lives on. */
    public Device device() {
        return device;
    }

    /** The optional name of this tensor (used to name graph vars in dumps). */
    public String name() {
        return name;
    }

    /** Sets the name of this tensor; returns this. */
    public Tensor name(String name) {
        this.name = name;
        return this;
    }

    /** The underlying ND4J array (shared, not copied): for code that needs ND4J directly. */
    public INDArray nd() {
        if (scope != 0 && scope != Scratch.activeId()) {
            if (scope > 0) {
                throw Scratch.escaped(this);
            }
            if (!ActivationMemory.isLive(scope)) {
                throw ActivationMemory.escaped(this);
            }
        }
        return data;
    }

    /** The accumulated gradient, or null when no backward reached this tensor. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (null clears it). */
    public void setGrad(Tensor grad) {
        if (grad != null && !Arrays.equals(grad.shape(), shape())) {
            throw new IllegalArgumentException("grad of shape " + shapeString(grad.shape())
                    + " does not match tensor of shape " + shapeString(shape()));
        }
        this.grad = grad;
    }

    /** Adds {@code g} to the gradient (the GradManager's accumulation rule). */
    public void accumulateGrad(Tensor g) {
        this.grad = grad == null ? wrap(g.nd().dup()) : wrap(grad.nd().add(g.nd()));
    }

    /** The autodiff node that produced this tensor in the current recording, or null. */
    public Node node() {
        return node;
    }

    /** The GradManagers this tensor is attached to (they hold it weakly; it holds them). */
    public List<org.mge4j.autodiff.GradManager> gradManagers() {
        return gradManagers;
    }

    /** Used by {@link org.mge4j.autodiff.GradManager#attach} to mark this tensor. */
    public void addGradManager(org.mge4j.autodiff.GradManager gm) {
        if (!gradManagers.contains(gm)) {
            List<org.mge4j.autodiff.GradManager> next = new java.util.ArrayList<>(gradManagers);
            next.add(gm);
            gradManagers = List.copyOf(next);
        }
    }

    /** Used by {@link org.mge4j.autodiff.Autograd} to link a result to the op that made it. */
    public void setNode(Node node) {
        this.node = node;
    }

    /**
     * Replaces the data in place, keeping this object's identity (MegEngine's {@code _reset}): how
     * {@code loadStateDict} and optimizers update parameters that others hold references to.
     */
    public void reset(INDArray value) {
        DType.of(value.dataType());
        this.data = value;
    }

    // ---------------------------------------------------------------- conversion

    /** The {@link Scratch} scope id or {@link ActivationMemory} generation of this tensor's memory (0 for ordinary memory). */
    long scope() {
        return scope;
    }

    /** A copy of a scratch-scoped tensor in ordinary memory (the result of an eval-mode call). */
    Tensor escapeCopy() {
        Tensor t = new Tensor(nd().detach(), device, 0);
        t.name = name;
        return t;
    }

    /** A copy in ordinary memory of a tensor on a training step's {@link ActivationMemory}, passing gradients through. */
    Tensor keepCopy() {
        Tensor t = org.mge4j.autodiff.Autograd.record("copy", org.mge4j.autodiff.OpAttributes.none(), nd().dup(), (dy, need) -> new INDArray[] {dy}, this);
        t.name = name;
        return t;
    }

    /** The single value of a one-element tensor, as a Java number ({@code Float}, {@code Integer}, ...) or Boolean. */
    public Object item() {
        if (data.length() != 1) {
            throw new IllegalArgumentException("item() needs a tensor with one element, but this one has shape "
                    + shapeString(shape()) + " (" + data.length() + " elements)");
        }
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return NestedArrays.scalarValue(nd(), dtype());
    }

    /** The single value of a one-element tensor as a double. */
    public double itemDouble() {
        Object v = item();
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** The values as nested Java arrays of the dtype's Java type ({@code float[][]} for a 2-D float32), like numpy(). */
    public Object toArray() {
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return NestedArrays.toNested(nd(), dtype());
    }

    /** The values in row-major order as floats. */
    public float[] toFloatArray() {
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return nd().dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).data().asFloat();
    }

    /** The values in row-major order as doubles. */
    public double[] toDoubleArray() {
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return nd().dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    }

    /** The values in row-major order as ints. */
    public int[] toIntArray() {
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return nd().dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.INT).data().asInt();
    }

    /** The values in row-major order as longs. */
    public long[] toLongArray() {
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return nd().dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.LONG).data().asLong();
    }

    /** A copy converted to another dtype (differentiable between float dtypes). */
    public Tensor astype(DType dtype) {
        return Arithmetic.astype(this, dtype);
    }

    /** A copy converted to the dtype named like numpy ({@code "int32"}, {@code "float16"}, ...). */
    public Tensor astype(String dtype) {
        return astype(DType.of(dtype));
    }

    /** The same data without autodiff history (shares memory, like MegEngine's detach). */
    public Tensor detach() {
        Tensor t = scope < 0 ? new Tensor(nd(), device, scope) : new Tensor(nd(), device);
        t.name = name;
        org.mge4j.autodiff.Autograd.noteAlias("detach", this, t);
        return t;
    }

    /** This tensor on another device ({@code "cpu0"}, {@code "gpu0"}, ...); the same object when it is there already. */
    public Tensor to(String device) {
        return to(Device.of(device));
    }

    /** This tensor on another device; the same object when it is there already. */
    public Tensor to(Device target) {
        if (target.equals(device)) {
            return this;
        }
        Tensor t = new Tensor(nd().dup(), target);
        return t;
    }

    /** A deep copy with no history. */
    public Tensor copy() {
        return new Tensor(nd().dup(), device);
    }

    // ---------------------------------------------------------------- arithmetic (numpy broadcasting)

    /** Elementwise {@code this + other}. */
    public Tensor add(Tensor other) { return Arithmetic.add(this, other); }
    /** Elementwise {@code this + value}. */
    public Tensor add(double value) { return Arithmetic.add(this, scalarLike(value, this)); }
    /** Elementwise {@code this - other}. */
    public Tensor sub(Tensor other) { return Arithmetic.sub(this, other); }
    /** Elementwise {@code this - value}. */
    public Tensor sub(double value) { return Arithmetic.sub(this, scalarLike(value, this)); }
    /** Elementwise {@code this * other}. */
    public Tensor mul(Tensor other) { return Arithmetic.mul(this, other); }
    /** Elementwise {@code this * value}. */
    public Tensor mul(double value) { return Arithmetic.mul(this, scalarLike(value, this)); }
    /** Elementwise true division {@code this / other} (integers give float32). */
    public Tensor div(Tensor other) { return Arithmetic.div(this, other); }
    /** Elementwise true division {@code this / value}. */
    public Tensor div(double value) { return Arithmetic.div(this, scalarLike(value, this)); }
    /** Elementwise {@code this ** other}. */
    public Tensor pow(Tensor other) { return Arithmetic.pow(this, other); }
    /** Elementwise {@code this ** exponent}. */
    public Tensor pow(double exponent) { return Arithmetic.pow(this, scalarLike(exponent, this)); }
    /** Elementwise {@code -this}. */
    public Tensor neg() { return Arithmetic.neg(this); }
    /** Elementwise e to the power of each element. */
    public Tensor exp() { return Arithmetic.exp(this); }
    /** Elementwise natural logarithm. */
    public Tensor log() { return Arithmetic.log(this); }
    /** Elementwise square root. */
    public Tensor sqrt() { return Arithmetic.sqrt(this); }
    /** Elementwise absolute value. */
    public Tensor abs() { return Arithmetic.abs(this); }
    /** Elementwise square. */
    public Tensor square() { return Arithmetic.mul(this, this); }
    /** Elementwise maximum of two tensors. */
    public Tensor maximum(Tensor other) { return Arithmetic.maximum(this, other); }
    /** Elementwise minimum of two tensors. */
    public Tensor minimum(Tensor other) { return Arithmetic.minimum(this, other); }

    // ---------------------------------------------------------------- comparison (bool results)

    /** Elementwise {@code ==}, a bool tensor. */
    public Tensor eq(Tensor other) { return Comparison.eq(this, other); }
    /** Elementwise {@code == value}. */
    public Tensor eq(double value) { return Comparison.eq(this, scalarLike(value, this)); }
    /** Elementwise {@code !=}. */
    public Tensor ne(Tensor other) { return Comparison.ne(this, other); }
    /** Elementwise {@code != value}. */
    public Tensor ne(double value) { return Comparison.ne(this, scalarLike(value, this)); }
    /** Elementwise {@code <}. */
    public Tensor lt(Tensor other) { return Comparison.lt(this, other); }
    /** Elementwise {@code < value}. */
    public Tensor lt(double value) { return Comparison.lt(this, scalarLike(value, this)); }
    /** Elementwise {@code <=}. */
    public Tensor le(Tensor other) { return Comparison.le(this, other); }
    /** Elementwise {@code <= value}. */
    public Tensor le(double value) { return Comparison.le(this, scalarLike(value, this)); }
    /** Elementwise {@code >}. */
    public Tensor gt(Tensor other) { return Comparison.gt(this, other); }
    /** Elementwise {@code > value}. */
    public Tensor gt(double value) { return Comparison.gt(this, scalarLike(value, this)); }
    /** Elementwise {@code >=}. */
    public Tensor ge(Tensor other) { return Comparison.ge(this, other); }
    /** Elementwise {@code >= value}. */
    public Tensor ge(double value) { return Comparison.ge(this, scalarLike(value, this)); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (a scalar tensor). */
    public Tensor sum() { return Reduction.sum(this, null, false); }
    /** Sum over one axis. */
    public Tensor sum(int axis) { return Reduction.sum(this, new int[] {axis}, false); }
    /** Sum over one axis, keeping it as size 1 when {@code keepdims}. */
    public Tensor sum(int axis, boolean keepdims) { return Reduction.sum(this, new int[] {axis}, keepdims); }
    /** Sum over several axes. */
    public Tensor sum(int[] axes, boolean keepdims) { return Reduction.sum(this, axes, keepdims); }
    /** Mean of all elements. */
    public Tensor mean() { return Reduction.mean(this, null, false); }
    /** Mean over one axis. */
    public Tensor mean(int axis) { return Reduction.mean(this, new int[] {axis}, false); }
    /** Mean over one axis, keeping it when {@code keepdims}. */
    public Tensor mean(int axis, boolean keepdims) { return Reduction.mean(this, new int[] {axis}, keepdims); }
    /** Mean over several axes. */
    public Tensor mean(int[] axes, boolean keepdims) { return Reduction.mean(this, axes, keepdims); }
    /** Maximum of all elements. */
    public Tensor max() { return Reduction.max(this, null, false); }
    /** Maximum over one axis. */
    public Tensor max(int axis) { return Reduction.max(this, new int[] {axis}, false); }
    /** Maximum over one axis, keeping it when {@code keepdims}. */
    public Tensor max(int axis, boolean keepdims) { return Reduction.max(this, new int[] {axis}, keepdims); }
    /** Minimum of all elements. */
    public Tensor min() { return Reduction.min(this, null, false); }
    /** Minimum over one axis. */
    public Tensor min(int axis) { return Reduction.min(this, new int[] {axis}, false); }
    /** Minimum over one axis, keeping it when {@code keepdims}. */
    public Tensor min(int axis, boolean keepdims) { return Reduction.min(this, new int[] {axis}, keepdims); }
    /** Product of all elements. */
    public Tensor prod() { return Reduction.prod(this, null, false); }
    /** Product over one axis. */
    public Tensor prod(int axis) { return Reduction.prod(this, new int[] {axis}, false); }
    /** Product over one axis, keeping it when {@code keepdims}. */
    public Tensor prod(int axis, boolean keepdims) { return Reduction.prod(this, new int[] {axis}, keepdims); }
    /** Index of the maximum of the flattened tensor (int32). */
    public Tensor argmax() { return Reduction.argmax(this, null, false); }
    /** Indices of the maxima along an axis (int32). */
    public Tensor argmax(int axis) { return Reduction.argmax(this, axis, false); }
    /** Indices of the maxima along an axis, keeping it when {@code keepdims}. */
    public Tensor argmax(int axis, boolean keepdims) { return Reduction.argmax(this, axis, keepdims); }
    /** Index of the minimum of the flattened tensor (int32). */
    public Tensor argmin() { return Reduction.argmin(this, null, false); }
    /** Indices of the minima along an axis (int32). */
    public Tensor argmin(int axis) { return Reduction.argmin(this, axis, false); }
    /** Indices of the minima along an axis, keeping it when {@code keepdims}. */
    public Tensor argmin(int axis, boolean keepdims) { return Reduction.argmin(this, axis, keepdims); }

    // ---------------------------------------------------------------- linear algebra and shapes

    /** Matrix product with numpy's rules for 1-D and batched operands. */
    public Tensor matmul(Tensor other) { return Linalg.matmul(this, other, false, false); }
    /** A tensor with the same data and a new shape; one dimension may be -1. */
    public Tensor reshape(long... shape) { return Shapes.reshape(this, shape); }
    /** All axes flattened into one. */
    public Tensor flatten() { return Shapes.flatten(this, 0, -1); }
    /** Axes {@code start..end} (inclusive) flattened into one. */
    public Tensor flatten(int startAxis, int endAxis) { return Shapes.flatten(this, startAxis, endAxis); }
    /** Axes permuted; with no arguments, reversed (a matrix transpose). */
    public Tensor transpose(int... pattern) { return Shapes.transpose(this, pattern); }
    /** A new axis of size 1 inserted at {@code axis}. */
    public Tensor expandDims(int axis) { return Shapes.expandDims(this, axis); }
    /** All axes of size 1 removed. */
    public Tensor squeeze() { return Shapes.squeeze(this, null); }
    /** The given axes (which must have size 1) removed. */
    public Tensor squeeze(int... axes) { return Shapes.squeeze(this, axes); }
    /** This tensor broadcast to a larger shape. */
    public Tensor broadcastTo(long... shape) { return Shapes.broadcastTo(this, shape); }
    /** Splits into {@code sections} equal parts along {@code axis}. */
    public List<Tensor> split(int sections, int axis) { return Shapes.split(this, sections, axis); }

    // ---------------------------------------------------------------- indexing

    /**
     * numpy-style basic indexing written as a string, for example {@code x.index("0")}, {@code x.index(":, 1:3")},
     * {@code x.index("..., ::2")} or {@code x.index("None, 0")}: integers drop an axis, slices keep it.
     */
    public Tensor index(String spec) { return Indexing.index(this, Indexing.parse(spec)); }
    /** {@code x[i]}: the sub-tensor at index {@code i} of the first axis (negative counts from the end). */
    public Tensor get(long i) { return Indexing.index(this, new Indexing.Item[] {Indexing.Item.at(i)}); }
    /** {@code x[i, j, ...]}: integer indices on the leading axes. */
    public Tensor get(long... indices) {
        Indexing.Item[] items = new Indexing.Item[indices.length];
        for (int k = 0; k < indices.length; k++) {
            items[k] = Indexing.Item.at(indices[k]);
        }
        return Indexing.index(this, items);
    }
    /** {@code x[..., start:stop:step, ...]} on one axis. */
    public Tensor slice(int axis, long start, long stop, long step) { return Indexing.slice(this, axis, start, stop, step); }
    /** {@code x[..., start:stop, ...]} on one axis. */
    public Tensor slice(int axis, long start, long stop) { return Indexing.slice(this, axis, start, stop, 1); }

    // ---------------------------------------------------------------- printing

    /** {@code (64, 1, 28, 28)}: a shape as MegEngine and numpy print it. */
    public static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** MegEngine's repr: {@code Tensor([1. 2.], device=cpu0:0)}, with the dtype when it is not float32/int32/bool. */
    @Override
    public String toString() {
        org.mge4j.autodiff.Autograd.noteHostRead(this);
        return TensorFormat.repr(this);
    }
}
