package org.mge4j.jit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The arithmetic of a {@link JavaPlan}: matrix products, 2x2 max pooling and relu on float arrays (row-major, with
 * offsets). Two forms compute the same values within float rounding: {@link VectorApiKernels}, register-blocked
 * products on the JDK's vector API, when the JVM has the {@code jdk.incubator.vector} module ({@code --add-modules
 * jdk.incubator.vector}), and {@link LoopKernels}, plain loops that C2 vectorises itself, when it does not.
 * {@link #chosen()} picks once per JVM; the plan reaches the vector API only through it, so a JVM without the module
 * never loads a class that names it.
 */
interface PlanKernels {
    /** The first value of a pooling window: libnd4j starts its maximum at the lowest finite float. */
    float POOL_START = -Float.MAX_VALUE;

    /** The larger of two pooled values as libnd4j takes it ({@code if (v > max) max = v}): NaN never wins. */
    static float maxOf(float max, float v) {
        return v > max ? v : max;
    }

    /** The kernels of this JVM: the vector API's when its module is present, else plain loops. */
    static PlanKernels chosen() {
        return Chosen.KERNELS;
    }

    /** True when this JVM was started with the {@code jdk.incubator.vector} module. */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Which kernels these are, for diagnostics: "vector API" or "plain Java loops". */
    String name();

    /**
     * {@code C[m][n] = bias[m] + sum_k A[m][k] B[k][n]} for an M×K matrix A at {@code a}, K×N matrix B at {@code b}
     * and M×N matrix C at {@code c}; bias may be null; relu clamps the result at 0.
     */
    default void gemm(float[] A, int a, float[] B, int b, float[] C, int c, int M, int N, int K, float[] bias,
                      boolean relu) {
        if (N == 1) {
            gemv(A, a, B, b, C, c, M, K, bias, relu);
        } else {
            gemm(A, a, B, b, Chosen.denseRows(K, N), C, c, M, N, K, bias, relu);
        }
    }

    /**
     * As {@link #gemm(float[], int, float[], int, float[], int, int, int, int, float[], boolean)}, but row k of B
     * starts at {@code b + rows[k]} instead of {@code b + k*N}: a convolution reads its input runs in place this
     * way, with no im2col copy.
     */
    default void gemm(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int M, int N, int K,
                      float[] bias, boolean relu) {
        if (N == 1) {
            gatheredColumn(A, a, B, b, rows, C, c, M, K, bias, relu);
        } else {
            gemmWide(A, a, B, b, rows, C, c, M, N, K, bias, relu);
        }
    }

    /** The gathered {@code gemm} for two or more columns, where the implementations differ. */
    void gemmWide(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int M, int N, int K, float[] bias,
                  boolean relu);

    /** {@code y[m] = bias[m] + A[m]·x} for an M×K matrix A: a product with one column. */
    void gemv(float[] A, int a, float[] x, int xo, float[] y, int yo, int M, int K, float[] bias, boolean relu);

    /**
     * 2x2 max pooling with stride 2 of one H×W plane at {@code x[xo]} into {@code y[yo]}, with libnd4j's rule
     * ({@link #POOL_START}, then {@link #maxOf}): NaN never wins, -inf gives the lowest float.
     */
    void maxPool2x2(float[] x, int xo, int h, int w, float[] y, int yo);

    /** {@code y[i] = max(x[i], 0)} for {@code n} elements. */
    void relu(float[] x, int xo, float[] y, int yo, int n);

    /** The choice, made when first asked for; and what both forms share. */
    final class Chosen {
        static final PlanKernels KERNELS = vectorModulePresent() ? vectorApi() : new LoopKernels();

        private static final Map<Long, int[]> DENSE = new ConcurrentHashMap<>();

        private Chosen() {
        }

        /** In a method of its own, so that verifying this class never needs the vector API's class. */
        private static PlanKernels vectorApi() {
            return new VectorApiKernels();
        }

        /** Row starts {@code 0, N, 2N, ...} of a dense K×N matrix, shared per shape. */
        static int[] denseRows(int K, int N) {
            return DENSE.computeIfAbsent(((long) K << 32) | N, key -> {
                int[] rows = new int[K];
                for (int k = 0; k < K; k++) {
                    rows[k] = k * N;
                }
                return rows;
            });
        }
    }

    /** The bias and the relu of one output value. */
    static float finish(float s, float[] bias, int m, boolean relu) {
        float v = bias == null ? s : s + bias[m];
        return relu ? Math.max(v, 0f) : v;
    }

    /** The one-column case of the gathered {@code gemm}: a dot product per row, the same in every implementation. */
    private static void gatheredColumn(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int M, int K,
                                       float[] bias, boolean relu) {
        for (int m = 0; m < M; m++) {
            float acc = 0f;
            for (int k = 0; k < K; k++) {
                acc += A[a + m * K + k] * B[b + rows[k]];
            }
            C[c + m] = finish(acc, bias, m, relu);
        }
    }
}
