package org.mge4j.jit;

import static org.mge4j.jit.PlanKernels.maxOf;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PlanKernels} on the JDK's vector API (jdk.incubator.vector): {@code C = A·B (+ bias per row of C) (then
 * relu)}, all row-major with offsets. Blocks of 4 rows of C by 2 vectors of columns keep 8 accumulators in
 * registers while the loop runs over K, so each value of B loaded feeds 4 fused multiply-adds; leftover rows and
 * columns run one vector or one element at a time.
 *
 * <p>Only loaded when the {@code jdk.incubator.vector} module is in the JVM ({@code --add-modules
 * jdk.incubator.vector}): {@link PlanKernels#chosen()} checks that first, and nothing else names this class.
 */
final class VectorApiKernels implements PlanKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector API";
    }

    @Override
    public void gemmWide(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int M, int N, int K,
                         float[] bias, boolean relu) {
        int nv = N - N % L;
        int m = 0;
        for (; m + 4 <= M; m += 4) {
            int n = 0;
            for (; n + 2 * L <= nv; n += 2 * L) {
                block4x2(A, a, B, b, rows, C, c, m, n, N, K, bias, relu);
            }
            for (int i = 0; i < 4; i++) {
                for (int j = n; j < nv; j += L) {
                    block1x1(A, a, B, b, rows, C, c, m + i, j, N, K, bias, relu);
                }
            }
        }
        for (; m < M; m++) {
            // a lone row: four column vectors at a time, so four accumulations are in flight
            int n = 0;
            for (; n + 4 * L <= nv; n += 4 * L) {
                block1x4(A, a, B, b, rows, C, c, m, n, N, K, bias, relu);
            }
            for (; n < nv; n += L) {
                block1x1(A, a, B, b, rows, C, c, m, n, N, K, bias, relu);
            }
        }
        for (m = 0; m < M && nv < N; m++) {
            for (int n = nv; n < N; n++) {
                float s = 0f;
                for (int k = 0; k < K; k++) {
                    s += A[a + m * K + k] * B[b + rows[k] + n];
                }
                C[c + m * N + n] = PlanKernels.finish(s, bias, m, relu);
            }
        }
    }

    @Override
    public void gemv(float[] A, int a, float[] x, int xo, float[] y, int yo, int M, int K, float[] bias, boolean relu) {
        int kv = K - K % L;
        for (int m = 0; m < M; m++) {
            int row = a + m * K;
            FloatVector acc = FloatVector.zero(S);
            for (int k = 0; k < kv; k += L) {
                acc = FloatVector.fromArray(S, A, row + k).fma(FloatVector.fromArray(S, x, xo + k), acc);
            }
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < K; k++) {
                s += A[row + k] * x[xo + k];
            }
            y[yo + m] = PlanKernels.finish(s, bias, m, relu);
        }
    }

    private static void block1x1(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int m, int n, int N, int K,
                                 float[] bias, boolean relu) {
        FloatVector acc = FloatVector.zero(S);
        int row = a + m * K;
        for (int k = 0; k < K; k++) {
            acc = FloatVector.broadcast(S, A[row + k]).fma(FloatVector.fromArray(S, B, b + rows[k] + n), acc);
        }
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        acc.add(bias == null ? 0f : bias[m]).max(floor).intoArray(C, c + m * N + n);
    }

    private static void block1x4(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int m, int n, int N, int K,
                                 float[] bias, boolean relu) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int row = a + m * K;
        for (int k = 0; k < K; k++) {
            int bk = b + rows[k] + n;
            FloatVector w = FloatVector.broadcast(S, A[row + k]);
            c0 = w.fma(FloatVector.fromArray(S, B, bk), c0);
            c1 = w.fma(FloatVector.fromArray(S, B, bk + L), c1);
            c2 = w.fma(FloatVector.fromArray(S, B, bk + 2 * L), c2);
            c3 = w.fma(FloatVector.fromArray(S, B, bk + 3 * L), c3);
        }
        float bm = bias == null ? 0f : bias[m];
        int at = c + m * N + n;
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        c0.add(bm).max(floor).intoArray(C, at);
        c1.add(bm).max(floor).intoArray(C, at + L);
        c2.add(bm).max(floor).intoArray(C, at + 2 * L);
        c3.add(bm).max(floor).intoArray(C, at + 3 * L);
    }

    private static void block4x2(float[] A, int a, float[] B, int b, int[] rows, float[] C, int c, int m, int n, int N, int K,
                                 float[] bias, boolean relu) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        int a0 = a + m * K;
        int a1 = a0 + K;
        int a2 = a1 + K;
        int a3 = a2 + K;
        for (int k = 0; k < K; k++) {
            int bk = b + rows[k] + n;
            FloatVector b0 = FloatVector.fromArray(S, B, bk);
            FloatVector b1 = FloatVector.fromArray(S, B, bk + L);
            FloatVector w = FloatVector.broadcast(S, A[a0 + k]);
            c00 = w.fma(b0, c00);
            c01 = w.fma(b1, c01);
            w = FloatVector.broadcast(S, A[a1 + k]);
            c10 = w.fma(b0, c10);
            c11 = w.fma(b1, c11);
            w = FloatVector.broadcast(S, A[a2 + k]);
            c20 = w.fma(b0, c20);
            c21 = w.fma(b1, c21);
            w = FloatVector.broadcast(S, A[a3 + k]);
            c30 = w.fma(b0, c30);
            c31 = w.fma(b1, c31);
        }
        // written out, and no helper taking vectors: a vector that crosses a call C2 did not inline is boxed, and
        // the kernel then runs at a hundredth of its speed
        int row = c + m * N + n;
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;   // max(x, -inf) is x, NaN included
        float b0 = bias == null ? 0f : bias[m];
        float b1 = bias == null ? 0f : bias[m + 1];
        float b2 = bias == null ? 0f : bias[m + 2];
        float b3 = bias == null ? 0f : bias[m + 3];
        c00.add(b0).max(floor).intoArray(C, row);
        c01.add(b0).max(floor).intoArray(C, row + L);
        c10.add(b1).max(floor).intoArray(C, row + N);
        c11.add(b1).max(floor).intoArray(C, row + N + L);
        c20.add(b2).max(floor).intoArray(C, row + 2 * N);
        c21.add(b2).max(floor).intoArray(C, row + 2 * N + L);
        c30.add(b3).max(floor).intoArray(C, row + 3 * N);
        c31.add(b3).max(floor).intoArray(C, row + 3 * N + L);
    }

    /** Pooling works on 8-float vectors: a 24-wide row (the ConvNet's) is exactly three, giving 4 outputs each. */
    private static final VectorSpecies<Float> POOL = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> POOL_HALF = IntVector.SPECIES_128;

    /**
     * The row pair's maxima as vectors, then each adjacent pair (one long lane) split into its two floats by
     * narrowing the longs, no shuffles: 4 outputs per step, ~6x the scalar loop.
     */
    @Override
    public void maxPool2x2(float[] x, int xo, int h, int w, float[] y, int yo) {
        int oh = h / 2;
        int ow = w / 2;
        for (int oy = 0; oy < oh; oy++) {
            int r = xo + 2 * oy * w;
            int o = yo + oy * ow;
            int ox = 0;
            for (; ox + 4 <= ow; ox += 4) {
                int i = r + 2 * ox;
                FloatVector low = FloatVector.broadcast(POOL, POOL_START);
                FloatVector top = FloatVector.fromArray(POOL, x, i);
                FloatVector bottom = FloatVector.fromArray(POOL, x, i + w);
                FloatVector m = top.blend(low, top.compare(VectorOperators.GT, low).not());
                m = m.blend(bottom, bottom.compare(VectorOperators.GT, m));
                LongVector pairs = (LongVector) m.reinterpretAsLongs();
                FloatVector first = pairs.convertShape(VectorOperators.L2I, POOL_HALF, 0).reinterpretAsFloats();
                FloatVector second = pairs.lanewise(VectorOperators.LSHR, 32).convertShape(VectorOperators.L2I, POOL_HALF, 0)
                        .reinterpretAsFloats();
                first.blend(second, second.compare(VectorOperators.GT, first)).intoArray(y, o + ox);
            }
            for (; ox < ow; ox++) {
                int i = r + 2 * ox;
                y[o + ox] = maxOf(maxOf(maxOf(maxOf(POOL_START, x[i]), x[i + 1]), x[i + w]), x[i + w + 1]);
            }
        }
    }

    @Override
    public void relu(float[] x, int xo, float[] y, int yo, int n) {
        int nv = n - n % L;
        for (int i = 0; i < nv; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
        }
        for (int i = nv; i < n; i++) {
            y[yo + i] = Math.max(x[xo + i], 0f);
        }
    }
}
