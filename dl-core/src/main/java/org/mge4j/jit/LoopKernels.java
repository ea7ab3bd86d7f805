package org.mge4j.jit;

import static org.mge4j.jit.PlanKernels.maxOf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link PlanKernels} in plain Java, for a JVM without the vector API's module: simple counted loops over float
 * arrays that C2's superword pass turns into vector instructions by itself. C2 (JDK 17 to 25) does that only where
 * it can tell the loop's stores from its loads, which it can when both index their arrays by the loop variable
 * plus the same offset; {@code c[co + j] += a * b[bo + j]} stays scalar, 8x slower. So a product first copies each
 * row of B to an array of its own at offset 0 ({@code System.arraycopy}, once per product), then sums each row of C
 * in a scratch row, also at offset 0, one pass over the columns adding 4 values of k at once:
 * {@code c[j] += A[m][k]*B[k][j] + ... + A[m][k+3]*B[k+3][j]}. Bias and relu are applied in the scratch row, which
 * is then copied into C. The copy of B takes as much memory as im2col would; it is kept per thread and shape. Sums
 * run in another order than the vector API's, within float rounding of each other.
 *
 * <p>Products with one column, and pooling, stay scalar: a dot product has no stores for C2 to vectorise around
 * (8 rows at a time keep 8 sums in flight instead), and 2x2 pooling reads every other element. The tutorial
 * ConvNet's ops at batch 1 take 55 to 80 us on these kernels (JDK 17 and 25) against 13 to 18 us on the vector
 * API's, and ND4J's op-by-op path takes 400 us or more.
 */
final class LoopKernels implements PlanKernels {
    /** Work arrays per thread and product shape, for the last few shapes (a plan has a handful). */
    private final ThreadLocal<Map<Long, Scratch>> scratch = ThreadLocal.withInitial(
            () -> new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Scratch> eldest) {
                    return size() > 16;
                }
            });

    /**
     * One thread's work arrays for K×N products, sized exactly: B's rows at offset 0 and the row of C being summed.
     * (One set grown to the largest K and N seen would hold max K × max N floats across unrelated shapes.)
     */
    private static final class Scratch {
        final float[][] b;
        final float[] c;

        Scratch(int K, int N) {
            b = new float[K][N];
            c = new float[N];
        }
    }

    @Override
    public String name() {
        return "plain Java loops";
    }

    @Override
    public void gemmWide(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int M, int N, int K,
                         float[] bias, boolean relu) {
        Scratch s = scratch.get().computeIfAbsent(((long) K << 32) | N, key -> new Scratch(K, N));
        float[][] bk = s.b;
        for (int k = 0; k < K; k++) {
            System.arraycopy(B, b + rows[k], bk[k], 0, N);
        }
        float[] row = s.c;
        for (int m = 0; m < M; m++) {
            Arrays.fill(row, 0, N, 0f);
            int am = a + m * K;
            int k = 0;
            for (; k + 4 <= K; k += 4) {
                madd4(A[am + k], A[am + k + 1], A[am + k + 2], A[am + k + 3], bk[k], bk[k + 1], bk[k + 2], bk[k + 3], row,
                        N);
            }
            for (; k < K; k++) {
                madd1(A[am + k], bk[k], row, N);
            }
            store(row, N, bias == null ? 0f : bias[m], relu, C, c + m * N);
        }
    }

    /*
     * The inner loops: a row of C += A's values times rows of B, all indexed by j alone. One row of C by 4 values of
     * k per pass loads and stores C once per 4 multiply-adds. Blocks of 2 rows by 4 k (each value of B loaded once
     * for both) ran up to 1.8x faster when C2 compiled them well, but depending on the profile C2 had gathered the
     * same loop ran 4x slower in one JVM than in another (the ConvNet's second convolution: 25 to 120 us, JDK 17;
     * this form: 30 to 64 us); C2 left 2x2, 2x8, 3x4 and 4x4 blocks and chains of Math.fma scalar.
     */

    private static void madd4(float a0, float a1, float a2, float a3, float[] b0, float[] b1, float[] b2, float[] b3,
                              float[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    private static void madd1(float a0, float[] b, float[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] += a0 * b[j];
        }
    }

    /** Adds the bias to a summed row (clamps it at 0 for relu) in place, then copies it to {@code C[at]}. */
    private static void store(float[] row, int n, float bias, boolean relu, float[] C, int at) {
        if (relu) {
            for (int j = 0; j < n; j++) {
                row[j] = Math.max(row[j] + bias, 0f);
            }
        } else {
            for (int j = 0; j < n; j++) {
                row[j] += bias;
            }
        }
        System.arraycopy(row, 0, C, at, n);
    }

    @Override
    public void gemv(float[] A, int a, float[] x, int xo, float[] y, int yo, int M, int K, float[] bias, boolean relu) {
        int m = 0;
        for (; m + 8 <= M; m += 8) {
            // 8 rows at once: 8 independent sums in flight, each x[k] loaded once
            int r0 = a + m * K;
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            for (int k = 0; k < K; k++) {
                float v = x[xo + k];
                int i = r0 + k;
                s0 += A[i] * v;
                s1 += A[i + K] * v;
                s2 += A[i + 2 * K] * v;
                s3 += A[i + 3 * K] * v;
                s4 += A[i + 4 * K] * v;
                s5 += A[i + 5 * K] * v;
                s6 += A[i + 6 * K] * v;
                s7 += A[i + 7 * K] * v;
            }
            y[yo + m] = PlanKernels.finish(s0, bias, m, relu);
            y[yo + m + 1] = PlanKernels.finish(s1, bias, m + 1, relu);
            y[yo + m + 2] = PlanKernels.finish(s2, bias, m + 2, relu);
            y[yo + m + 3] = PlanKernels.finish(s3, bias, m + 3, relu);
            y[yo + m + 4] = PlanKernels.finish(s4, bias, m + 4, relu);
            y[yo + m + 5] = PlanKernels.finish(s5, bias, m + 5, relu);
            y[yo + m + 6] = PlanKernels.finish(s6, bias, m + 6, relu);
            y[yo + m + 7] = PlanKernels.finish(s7, bias, m + 7, relu);
        }
        for (; m < M; m++) {
            int r0 = a + m * K;
            float s0 = 0f;
            for (int k = 0; k < K; k++) {
                s0 += A[r0 + k] * x[xo + k];
            }
            y[yo + m] = PlanKernels.finish(s0, bias, m, relu);
        }
    }

    @Override
    public void maxPool2x2(float[] x, int xo, int h, int w, float[] y, int yo) {
        int oh = h / 2;
        int ow = w / 2;
        for (int oy = 0; oy < oh; oy++) {
            int r = xo + 2 * oy * w;
            int o = yo + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int i = r + 2 * ox;
                y[o + ox] = maxOf(maxOf(maxOf(maxOf(POOL_START, x[i]), x[i + 1]), x[i + w]), x[i + w + 1]);
            }
        }
    }

    @Override
    public void relu(float[] x, int xo, float[] y, int yo, int n) {
        if (xo == yo) {
            // one offset for both arrays: the form C2 vectorises
            for (int i = 0; i < n; i++) {
                y[xo + i] = Math.max(x[xo + i], 0f);
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[yo + i] = Math.max(x[xo + i], 0f);
            }
        }
    }
}
