package org.mge4j.jit;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float32 inference graph run in Java: every value lives in a Java array allocated once, convolutions are
 * matrix products over the input read in place (or im2col) by {@link PlanKernels} (bias and relu applied as results
 * are stored), and pooling, softmax and reshapes are loops. No native call happens between the input copy and the
 * output copy, which is what small batches need: a libnd4j op costs tens of microseconds before it computes
 * anything, while the whole tutorial ConvNet takes about that long here.
 *
 * <p>Built only when every op of the graph has a form here (conv2d, linear, relu, max/avg pooling, softmax,
 * log_softmax, flatten, reshape, identity), every value is float32 and the constants are fixed; the first run's
 * values ({@code sample}, from the ordinary op-by-op path) check each op before the plan is used. The arithmetic
 * runs on the JDK's vector API when the JVM has the {@code jdk.incubator.vector} module ({@code --add-modules
 * jdk.incubator.vector}), and on plain loops that C2 vectorises when it does not ({@link PlanKernels}: slower, still
 * far faster than ND4J at batch 1), so the plan needs only a JVM with C2. The system property
 * {@code mge4j.jit.kernels} chooses between this plan and ND4J's: {@code auto} (time both on the first call of a
 * shape, keep the faster), {@code java} (always this plan; {@code vector}, its older name, means the same whichever
 * kernels the JVM has) or {@code nd4j}.
 */
final class JavaPlan {
    /** One op: reads and writes the plan's arrays. */
    private interface Op {
        void run();
    }

    private final long[][] inputShapes;
    private final float[][] buffers;
    private final long[][] shapes;
    private final Op[] ops;

    private JavaPlan(long[][] inputShapes, float[][] buffers, long[][] shapes, Op[] ops) {
        this.inputShapes = inputShapes;
        this.buffers = buffers;
        this.shapes = shapes;
        this.ops = ops;
    }

    /** The mode from {@code mge4j.jit.kernels}: "auto", "java" (or "vector", the same) or "nd4j". */
    static String mode() {
        String mode = System.getProperty("mge4j.jit.kernels", "auto");
        if (!List.of("auto", "java", "vector", "nd4j").contains(mode)) {
            throw new IllegalArgumentException("mge4j.jit.kernels must be auto, java (or vector) or nd4j, got '" + mode
                    + "'");
        }
        return mode;
    }

    /** True when the mode allows the Java plan and the JVM compiles it with C2. */
    static boolean available() {
        return !"nd4j".equals(mode()) && optimizingJit();
    }

    /** False in a JVM without C2 (-Xint, -XX:TieredStopAtLevel below 4): there Java loops never get fast. */
    private static boolean optimizingJit() {
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("-Xint") || arg.matches("-XX:TieredStopAtLevel=[0-3]") || arg.equals("-XX:-UseCompiler")) {
                return false;
            }
        }
        return true;
    }

    /** True when the plan was made for inputs of these shapes. */
    boolean fits(INDArray[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (!Arrays.equals(inputShapes[i], inputs[i].shape()) || inputs[i].dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    /** The values of {@code resultSlots} for these inputs, as new arrays. One call at a time. */
    INDArray[] run(INDArray[] inputs, int[] resultSlots) {
        for (int i = 0; i < inputs.length; i++) {
            INDArray in = Shape.hasDefaultStridesForShape(inputs[i]) ? inputs[i] : inputs[i].dup('c');
            FloatBuffer fb = in.data().asNioFloat();
            fb.position((int) in.offset());
            fb.get(buffers[i], 0, (int) Shape.lengthOf(shapes[i]));
        }
        for (Op op : ops) {
            op.run();
        }
        INDArray[] out = new INDArray[resultSlots.length];
        for (int i = 0; i < out.length; i++) {
            int s = resultSlots[i];
            out[i] = Nd4j.create(Arrays.copyOf(buffers[s], (int) Shape.lengthOf(shapes[s])), shapes[s], 'c');
        }
        return out;
    }

    /**
     * A plan for {@code nodes} over {@code sample} (an ordinary run's values, every slot filled; inputs first, then
     * constants), or null when some op or value has no form here, or some op's result differs from the sample.
     */
    static JavaPlan build(List<Graph.Node> nodes, int[][] inSlots, int[] outSlots, INDArray[] sample, int nInputs) {
        float[][] buffers = new float[sample.length][];
        long[][] shapes = new long[sample.length][];
        for (int s = 0; s < sample.length; s++) {
            if (sample[s] == null || sample[s].dataType() != DataType.FLOAT || sample[s].length() > Integer.MAX_VALUE / 2) {
                return null;
            }
            shapes[s] = sample[s].shape();
        }
        for (int s = 0; s < sample.length - nodes.size(); s++) {
            // inputs get arrays filled per call; constants are copied once
            buffers[s] = s < nInputs ? alloc(shapes[s]) : floats(sample[s]);
        }
        Op[] ops = new Op[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            ops[i] = op(nodes.get(i), inSlots[i], outSlots[i], buffers, shapes);
            if (ops[i] == null) {
                debug("Java plan: no Java form for " + nodes.get(i).kind + " with these shapes; the graph runs on ND4J");
                return null;
            }
        }
        long[][] inputShapes = Arrays.copyOf(shapes, nInputs);
        JavaPlan plan = new JavaPlan(inputShapes, buffers, shapes, ops);
        for (int s = 0; s < nInputs; s++) {
            System.arraycopy(floats(sample[s]), 0, buffers[s], 0, (int) sample[s].length());   // ops hold these arrays
        }
        for (int i = 0; i < nodes.size(); i++) {
            ops[i].run();
            if (!close(buffers[outSlots[i]], sample[outSlots[i]])) {
                debug("Java plan: " + nodes.get(i).kind + " differs from ND4J's result; the graph runs on ND4J");
                return null;
            }
        }
        return plan;
    }

    /** Room after each value, so a convolution's input runs may read past the last image (see convRuns). */
    private static final int SLACK = 64;

    private static float[] alloc(long[] shape) {
        return new float[(int) Shape.lengthOf(shape) + SLACK];
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    /** Equal to ND4J's result within float rounding of a different summation order. */
    private static boolean close(float[] got, INDArray want) {
        float[] w = floats(want);
        for (int i = 0; i < w.length; i++) {   // got may be longer (SLACK)
            float diff = Math.abs(got[i] - w[i]);
            if (!(diff <= 1e-4f + 1e-4f * Math.abs(w[i])) && !(Float.isNaN(got[i]) && Float.isNaN(w[i]))) {
                debug("Java plan: element " + i + " is " + got[i] + ", ND4J has " + w[i]);
                return false;
            }
        }
        return true;
    }

    private static void debug(String message) {
        if (Boolean.getBoolean("mge4j.jit.debug")) {
            System.err.println(message);
        }
    }

    private static Op op(Graph.Node node, int[] in, int out, float[][] buf, long[][] shapes) {
        for (int s : in) {
            if (s < 0 && node.kind != OpKind.CONV2D && node.kind != OpKind.LINEAR) {
                return null;
            }
        }
        long[] outShape = shapes[out];
        switch (node.kind) {
            case FLATTEN, RESHAPE, IDENTITY -> {
                buf[out] = buf[in[0]];   // same elements in the same order
                return () -> { };
            }
            default -> buf[out] = alloc(outShape);
        }
        return switch (node.kind) {
            case CONV2D -> conv2d(node, in, out, buf, shapes);
            case LINEAR -> linear(node, in, out, buf, shapes);
            case RELU -> {
                float[] x = buf[in[0]];
                float[] y = buf[out];
                int n = (int) Shape.lengthOf(outShape);
                yield () -> PlanKernels.chosen().relu(x, 0, y, 0, n);
            }
            case MAX_POOL2D, AVG_POOL2D -> pool(node, in, out, buf, shapes);
            case SOFTMAX, LOG_SOFTMAX -> softmax(node, in[0], out, buf, shapes);
            default -> null;
        };
    }

    private static Op conv2d(Graph.Node node, int[] in, int out, float[][] buf, long[][] shapes) {
        long[] xs = shapes[in[0]];
        long[] ws = shapes[in[1]];
        if (xs.length != 4 || ws.length != 4 || xs[1] != ws[1] || in[1] < 0) {
            return null;
        }
        int[] s = node.intsAttr("stride");
        int[] p = node.intsAttr("padding");
        int[] d = node.intsAttr("dilation");
        boolean relu = "relu".equals(node.attrs.get("nonlinearity"));
        int n = (int) xs[0];
        int c = (int) xs[1];
        int h = (int) xs[2];
        int w = (int) xs[3];
        int co = (int) ws[0];
        int kh = (int) ws[2];
        int kw = (int) ws[3];
        long[] os = shapes[out];
        int oh = (int) os[2];
        int ow = (int) os[3];
        int k = c * kh * kw;
        int pixels = oh * ow;
        float[] x = buf[in[0]];
        float[] weight = buf[in[1]];
        float[] bias = in.length > 2 && in[2] >= 0 ? buf[in[2]] : null;
        if (bias != null && bias.length != co) {
            return null;
        }
        float[] y = buf[out];
        if (s[0] == 1 && s[1] == 1) {
            return convRuns(x, weight, bias, y, n, c, h, w, co, kh, kw, p, d, oh, ow, relu);
        }
        float[] col = new float[k * pixels];
        return () -> {
            for (int i = 0; i < n; i++) {
                im2col(x, i * c * h * w, c, h, w, kh, kw, s, p, d, oh, ow, col);
                PlanKernels.chosen().gemm(weight, 0, col, 0, y, i * co * pixels, co, pixels, k, bias, relu);
            }
        };
    }

    /**
     * A stride-1 convolution without im2col: over a "wide" output of OH rows of the padded input's full width PW,
     * row (c,ky,kx) of the product's right-hand matrix is simply the input run starting at c*PH*PW + ky*dy*PW +
     * kx*dx, so the product reads the input in place. Columns ox >= OW of each wide row are computed and dropped
     * (PW/OW times the work: 1.5x for the ConvNet's second 5x5 convolution on 12x12, far less than copying 250
     * short rows). A run of the last rows reaches (kw-1)*dx elements past its image, into the next image or the
     * buffer's slack; an input without that room or with padding is first copied into a zero-bordered plane.
     */
    private static Op convRuns(float[] x, float[] weight, float[] bias, float[] y, int n, int c, int h, int w, int co,
                                   int kh, int kw, int[] p, int[] d, int oh, int ow, boolean relu) {
        int ph = h + 2 * p[0];
        int pw = w + 2 * p[1];
        int reach = (kw - 1) * d[1];
        boolean copyIn = p[0] != 0 || p[1] != 0 || x.length < n * c * h * w + reach;
        float[] padded = copyIn ? new float[c * ph * pw + reach] : null;
        int wideN = oh * pw;
        int[] rows = new int[c * kh * kw];
        int r = 0;
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    rows[r++] = ci * ph * pw + ky * d[0] * pw + kx * d[1];
                }
            }
        }
        boolean dense = pw == ow;   // 1x1 kernels without padding: the wide output is the output
        float[] wide = dense ? null : new float[co * wideN];
        int k = rows.length;
        return () -> {
            for (int i = 0; i < n; i++) {
                float[] src = x;
                int base = i * c * h * w;
                if (copyIn) {
                    for (int ci = 0; ci < c; ci++) {
                        for (int iy = 0; iy < h; iy++) {
                            System.arraycopy(x, base + (ci * h + iy) * w, padded, (ci * ph + iy + p[0]) * pw + p[1], w);
                        }
                    }
                    src = padded;
                    base = 0;
                }
                int o = i * co * oh * ow;
                if (dense) {
                    PlanKernels.chosen().gemm(weight, 0, src, base, rows, y, o, co, wideN, k, bias, relu);
                    continue;
                }
                PlanKernels.chosen().gemm(weight, 0, src, base, rows, wide, 0, co, wideN, k, bias, relu);
                for (int oc = 0; oc < co; oc++) {
                    for (int oy = 0; oy < oh; oy++) {
                        System.arraycopy(wide, oc * wideN + oy * pw, y, o + (oc * oh + oy) * ow, ow);
                    }
                }
            }
        };
    }

    /** Unfolds one image (C,H,W at {@code at}) into rows (c,ky,kx) of OH*OW pixels, zeros where padding is read. */
    static void im2col(float[] x, int at, int c, int h, int w, int kh, int kw, int[] s, int[] p, int[] d, int oh, int ow,
                       float[] col) {
        int pixels = oh * ow;
        int row = 0;
        for (int ci = 0; ci < c; ci++) {
            int plane = at + ci * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, row++) {
                    int base = row * pixels;
                    int dx = kx * d[1] - p[1];
                    // output columns whose input column is inside the image: ox*s + dx in [0, w)
                    int lo = Math.max(0, ceilDiv(-dx, s[1]));
                    int hi = Math.min(ow, ceilDiv(w - dx, s[1]));
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * s[0] - p[0] + ky * d[0];
                        int dst = base + oy * ow;
                        if (iy < 0 || iy >= h || lo >= hi) {
                            Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        if (lo > 0) {
                            Arrays.fill(col, dst, dst + lo, 0f);
                        }
                        int src = plane + iy * w + dx;
                        if (s[1] == 1) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                col[dst + ox] = x[src + ox * s[1]];
                            }
                        }
                        if (hi < ow) {
                            Arrays.fill(col, dst + hi, dst + ow, 0f);
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static Op linear(Graph.Node node, int[] in, int out, float[][] buf, long[][] shapes) {
        long[] xs = shapes[in[0]];
        long[] ws = shapes[in[1]];
        if (xs.length != 2 || ws.length != 2 || xs[1] != ws[1] || in[1] < 0) {
            return null;
        }
        int n = (int) xs[0];
        int features = (int) ws[1];
        int units = (int) ws[0];
        boolean relu = "relu".equals(node.attrs.get("nonlinearity"));
        float[] x = buf[in[0]];
        float[] weight = buf[in[1]];
        float[] bias = in.length > 2 && in[2] >= 0 ? buf[in[2]] : null;
        if (bias != null && bias.length != units) {
            return null;
        }
        float[] y = buf[out];
        if (n < 4) {
            return () -> {
                for (int i = 0; i < n; i++) {
                    PlanKernels.chosen().gemv(weight, 0, x, i * features, y, i * units, units, features, bias, relu);
                }
            };
        }
        // y^T = W x^T: the batch is the long, vectorised side, and bias is per row of y^T
        float[] xt = new float[features * n];
        float[] yt = new float[units * n];
        return () -> {
            transpose(x, n, features, xt);
            PlanKernels.chosen().gemm(weight, 0, xt, 0, yt, 0, units, n, features, bias, relu);
            transpose(yt, units, n, y);
        };
    }

    /** {@code t = a^T} for a rows×cols matrix {@code a}. */
    private static void transpose(float[] a, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
    }

    private static Op pool(Graph.Node node, int[] in, int out, float[][] buf, long[][] shapes) {
        long[] xs = shapes[in[0]];
        if (xs.length != 4) {
            return null;
        }
        int[] k = node.intsAttr("kernel");
        int[] s = node.intsAttr("stride");
        int[] p = node.intsAttr("padding");
        boolean max = node.kind == OpKind.MAX_POOL2D;
        if (!max && (p[0] != 0 || p[1] != 0)) {
            return null;   // the two averaging modes differ only with padding; those stay on ND4J
        }
        int planes = (int) (xs[0] * xs[1]);
        int h = (int) xs[2];
        int w = (int) xs[3];
        int oh = (int) shapes[out][2];
        int ow = (int) shapes[out][3];
        float[] x = buf[in[0]];
        float[] y = buf[out];
        if (max && k[0] == 2 && k[1] == 2 && s[0] == 2 && s[1] == 2 && p[0] == 0 && p[1] == 0) {
            return () -> {
                for (int pl = 0; pl < planes; pl++) {
                    PlanKernels.chosen().maxPool2x2(x, pl * h * w, h, w, y, pl * oh * ow);
                }
            };
        }
        float area = k[0] * k[1];
        return () -> {
            for (int pl = 0; pl < planes; pl++) {
                int plane = pl * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float acc = max ? PlanKernels.POOL_START : 0f;
                        for (int ky = 0; ky < k[0]; ky++) {
                            int iy = oy * s[0] - p[0] + ky;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < k[1]; kx++) {
                                int ix = ox * s[1] - p[1] + kx;
                                if (ix >= 0 && ix < w) {
                                    float v = x[plane + iy * w + ix];
                                    acc = max ? PlanKernels.maxOf(acc, v) : acc + v;
                                }
                            }
                        }
                        y[pl * oh * ow + oy * ow + ox] = max ? acc : acc / area;
                    }
                }
            }
        };
    }

    private static Op softmax(Graph.Node node, int in, int out, float[][] buf, long[][] shapes) {
        long[] xs = shapes[in];
        int axis = (int) node.longAttr("axis");
        axis = axis < 0 ? axis + xs.length : axis;
        for (int a = axis + 1; a < xs.length; a++) {
            if (xs[a] != 1) {
                return null;   // only the last non-trivial axis: rows are contiguous
            }
        }
        if (axis < 0 || axis >= xs.length) {
            return null;
        }
        int width = (int) xs[axis];
        float[] x = buf[in];
        float[] y = buf[out];
        int rows = (int) (Shape.lengthOf(xs) / Math.max(width, 1));
        boolean log = node.kind == OpKind.LOG_SOFTMAX;
        return () -> {
            for (int r = 0; r < rows; r++) {
                int o = r * width;
                float m = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < width; i++) {
                    m = Math.max(m, x[o + i]);
                }
                float sum = 0f;
                for (int i = 0; i < width; i++) {
                    float e = (float) Math.exp(x[o + i] - m);
                    y[o + i] = e;
                    sum += e;
                }
                float logSum = (float) Math.log(sum);
                for (int i = 0; i < width; i++) {
                    y[o + i] = log ? x[o + i] - m - logSum : y[o + i] / sum;
                }
            }
        };
    }
}
