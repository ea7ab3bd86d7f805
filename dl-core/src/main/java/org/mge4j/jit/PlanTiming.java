package org.mge4j.jit;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Picks between a graph's two prepared forms for one input shape by running both: the {@link JavaPlan} wins
 * at small batches (no native call overhead), ND4J's {@link CompiledPlan} can win at large ones (its convolutions
 * are oneDNN's, and may use several threads). The Java plan first runs until its time per call stops falling (the
 * JIT compiles it while it runs), then both run alternately and the lower median wins.
 */
final class PlanTiming {
    private static final int TIMED = 7;

    private PlanTiming() {
    }

    /**
     * True when the Java plan is at least as fast as ND4J's on these inputs. {@code first}: the shape's first call,
     * when the Java kernels may still be cold. They run interpreted, then through C1 at a fraction of their compiled
     * speed (a plateau a "stopped improving" test would take for the end) until C2 has seen thousands of kernel
     * calls: the tutorial ConvNet at batch 1 needs ~2,000 runs (~0.4 s). So the first timing runs the Java plan 3,000
     * times or for 1 s, whichever comes first, and then until its time stops falling; a later check, 500 runs or
     * 0.2 s. At most 3 s either way.
     */
    static boolean javaIsFaster(JavaPlan java, CompiledPlan nd4j, INDArray[] values, INDArray[] inputs, int[] results,
                                boolean first) {
        long start = System.nanoTime();
        int minCalls = first ? 3_000 : 500;
        long minNanos = first ? 1_000_000_000L : 200_000_000L;
        long best = Long.MAX_VALUE;
        int calls = 0;
        while (System.nanoTime() - start < 3_000_000_000L) {
            long[] t = new long[5];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                java.run(inputs, results);
                t[i] = System.nanoTime() - t0;
            }
            calls += t.length;
            long median = median(t);
            boolean plateau = median >= best * 0.9;
            best = Math.min(best, median);
            if (plateau && (calls >= minCalls || System.nanoTime() - start >= minNanos)) {
                break;
            }
        }
        long[] tj = new long[TIMED];
        long[] tn = new long[TIMED];
        nd4j.run(values.clone());
        for (int i = 0; i < TIMED; i++) {
            long t0 = System.nanoTime();
            java.run(inputs, results);
            long t1 = System.nanoTime();
            nd4j.run(values.clone());
            long t2 = System.nanoTime();
            tj[i] = t1 - t0;
            tn[i] = t2 - t1;
        }
        boolean javaWins = median(tj) <= median(tn);
        if (Boolean.getBoolean("mge4j.jit.debug")) {
            System.err.printf("plan timing (%s) for %s: Java %.1f us, ND4J %.1f us per call (after %.0f ms of warm-up): %s%n",
                    first ? "first call" : "again", Arrays.toString(inputs[0].shape()), median(tj) / 1e3, median(tn) / 1e3, (System.nanoTime() - start) / 1e6,
                    javaWins ? "Java plan (" + PlanKernels.chosen().name() + ")" : "ND4J");
        }
        return javaWins;
    }

    private static long median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
