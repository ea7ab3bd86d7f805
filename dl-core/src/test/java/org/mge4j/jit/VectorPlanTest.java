package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.Module;

/**
 * The Java form of a dumped graph ({@link VectorPlan}) against eager mge4j on ND4J: every convolution path (in-place
 * runs, padded copy, 1x1, strided im2col, dilation), pooling (including NaN and odd sizes), linear at batch sizes on
 * both sides of its gemv/gemm switch, softmax and log_softmax; which form runs when; and the per-shape cache.
 */
class VectorPlanTest {
    @TempDir
    Path dir;
    private String saved;

    @BeforeEach
    void javaKernels() {
        saved = System.getProperty("mge4j.jit.kernels");
        System.setProperty("mge4j.jit.kernels", "vector");
        Mge.seed(3);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty("mge4j.jit.kernels");
        } else {
            System.setProperty("mge4j.jit.kernels", saved);
        }
    }

    /** A conv (relu fused by the optimiser), then a head, traced, dumped and loaded. */
    static final class Net extends Module {
        final Conv2d conv;
        final Linear fc;
        final Function<Tensor, Tensor> middle;
        final Function<Tensor, Tensor> head;

        Net(Conv2d conv, int features, Function<Tensor, Tensor> middle, Function<Tensor, Tensor> head) {
            this.conv = conv;
            this.fc = new Linear(features, 6);
            this.middle = middle;
            this.head = head;
        }

        @Override
        public Tensor forward(Tensor x) {
            return head.apply(fc.call(F.flatten(middle.apply(F.relu(conv.call(x))), 1)));
        }
    }

    private GraphInference dumped(Net net, Tensor sample, String name) {
        net.eval();
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> net.call(x), TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        f.call(sample);
        Path file = dir.resolve(name + ".mge");
        f.dump(file.toString(), DumpOptions.builder().argNames("data").build());
        return Jit.load(file);
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        assertEquals(Tensor.shapeString(want.shape()), Tensor.shapeString(got.shape()), what);
        float[] w = want.toFloatArray();
        float[] g = got.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            boolean ok = Float.isNaN(w[i]) ? Float.isNaN(g[i]) : Math.abs(w[i] - g[i]) <= 1e-4 * (1 + Math.abs(w[i]));
            assertTrue(ok, what + ": element " + i + " is " + g[i] + ", eager has " + w[i]);
        }
    }

    private void check(Net net, long[] inShape, String name) {
        Tensor x = Tensor.randn(inShape);
        GraphInference g = dumped(net, x, name);
        for (int round = 0; round < 2; round++) {   // the first run prepares, the second runs the Java form
            Tensor y = g.run(x).values().iterator().next();
            assertClose(net.call(x), y, name + " run " + round);
        }
        assertEquals("java", g.preparedForm(x), name + " runs in Java");
        Tensor other = Tensor.randn(inShape);   // new values, same shape: the Java form again
        assertClose(net.call(other), g.run(other).values().iterator().next(), name + " on other data");
    }

    @Test
    void everyConvolutionPathEqualsEager() {
        Function<Tensor, Tensor> none = t -> t;
        Function<Tensor, Tensor> head = t -> t;
        // in-place runs (stride 1, no padding), the tutorial's first layer
        check(new Net(new Conv2d(1, 10, 5), 10 * 24 * 24, none, head), new long[] {1, 1, 28, 28}, "runs");
        // padding: copied into a zero-bordered plane; 5 output channels (not a multiple of the 4-row block)
        check(new Net(new Conv2d(3, 5, 3, 1, 1), 5 * 9 * 7, none, head), new long[] {3, 3, 9, 7}, "padded");
        // stride 2 with padding: im2col
        check(new Net(new Conv2d(4, 6, 3, 2, 1), 6 * 6 * 5, none, head), new long[] {2, 4, 11, 10}, "strided");
        // dilation 2: runs step two columns
        check(new Net(new Conv2d(2, 3, 3, 1, 0, 2, 1, true), 3 * 8 * 8, none, head), new long[] {1, 2, 12, 12}, "dilated");
        // 1x1: the input is the product's right-hand matrix as it is
        check(new Net(new Conv2d(6, 7, 1), 7 * 5 * 5, none, head), new long[] {4, 6, 5, 5}, "pointwise");
        // no bias, stride 3
        check(new Net(new Conv2d(3, 4, 2, 3, 0, 1, 1, false), 4 * 3 * 3, none, head), new long[] {2, 3, 10, 9}, "stride 3");
    }

    @Test
    void poolingLinearAndSoftmaxEqualEager() {
        Function<Tensor, Tensor> softmax = t -> F.softmax(t, 1);
        Function<Tensor, Tensor> logSoftmax = t -> F.logSoftmax(t, 1);
        // 2x2 max pooling over an odd width (the last column is dropped), batch 1 (gemv) and 5 (gemm) in the linear
        check(new Net(new Conv2d(2, 4, 3), 4 * 5 * 4, t -> F.maxPool2d(t, 2), softmax), new long[] {1, 2, 12, 11}, "pool b1");
        check(new Net(new Conv2d(2, 4, 3), 4 * 5 * 4, t -> F.maxPool2d(t, 2), softmax), new long[] {5, 2, 12, 11}, "pool b5");
        // 3x3 windows, stride 2, padding 1: the general loop
        check(new Net(new Conv2d(2, 3, 3), 3 * 5 * 5, t -> F.maxPool2d(t, 3, 2, 1), logSoftmax), new long[] {2, 2, 11, 11}, "pool 3x3");
        check(new Net(new Conv2d(2, 3, 3), 3 * 4 * 4, t -> F.avgPool2d(t, 2), logSoftmax), new long[] {3, 2, 10, 10}, "avg pool");
        // a wide row (34 columns): several vector steps of the 2x2 pooling, then the scalar tail
        check(new Net(new Conv2d(1, 2, 3), 2 * 3 * 17, t -> F.maxPool2d(t, 2), softmax), new long[] {2, 1, 8, 36}, "wide pool");
    }

    @Test
    void maxPoolingSkipsNaNAsEagerDoes() {
        float[] plane = new float[2 * 4 * 40];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (i % 7) - 3f;
        }
        plane[5] = Float.NaN;
        plane[40 + 17] = Float.NaN;
        plane[160 + 2] = Float.NaN;   // a whole window of NaN
        plane[160 + 3] = Float.NaN;
        plane[160 + 42] = Float.NaN;
        plane[160 + 43] = Float.NaN;
        float[] got = new float[2 * 2 * 20 + 64];
        FloatGemm.maxPool2x2(plane, 0, 4, 40, got, 0);
        FloatGemm.maxPool2x2(plane, 160, 4, 40, got, 40);
        Tensor want = F.maxPool2d(Tensor.of(plane, 2, 1, 4, 40), 2);
        assertClose(want, Tensor.of(java.util.Arrays.copyOf(got, 80), 2, 1, 2, 20), "NaN pooling");
        assertEquals(1f, got[2], "the window (1, NaN, -1, 0) gives 1: NaN skipped");
    }

    @Test
    void anOpWithoutAJavaFormKeepsTheGraphOnNd4j() {
        Net net = new Net(new Conv2d(1, 2, 3), 2 * 4 * 4, F::tanh, t -> t);
        Tensor x = Tensor.randn(1, 1, 6, 6);
        GraphInference g = dumped(net, x, "tanh");
        g.run(x);
        assertClose(net.call(x), g.run(x).values().iterator().next(), "tanh graph");
        assertEquals("nd4j", g.preparedForm(x));
    }

    @Test
    void nd4jModeNeverBuildsTheJavaForm() {
        System.setProperty("mge4j.jit.kernels", "nd4j");
        Net net = new Net(new Conv2d(1, 2, 3), 2 * 4 * 4, t -> t, t -> t);
        Tensor x = Tensor.randn(1, 1, 6, 6);
        GraphInference g = dumped(net, x, "nd4j");
        g.run(x);
        assertEquals("nd4j", g.preparedForm(x));
        assertClose(net.call(x), g.run(x).values().iterator().next(), "nd4j mode");
    }

    @Test
    void eachBatchSizeKeepsItsPreparedForm() {
        Net net = new Net(new Conv2d(1, 3, 3), 3 * 4 * 4, t -> t, t -> F.softmax(t, 1));
        Tensor one = Tensor.randn(1, 1, 6, 6);
        Tensor five = Tensor.randn(5, 1, 6, 6);
        GraphInference g = dumped(net, one, "batches");
        assertEquals("none", g.preparedForm(one));
        for (int round = 0; round < 3; round++) {
            assertClose(net.call(one), g.run(one).values().iterator().next(), "batch 1 round " + round);
            assertClose(net.call(five), g.run(five).values().iterator().next(), "batch 5 round " + round);
        }
        assertEquals("java", g.preparedForm(one));
        assertEquals("java", g.preparedForm(five));
    }

    @Test
    void autoModeTimesBothAndPicksJavaForTheTutorialNetAtBatchOne() throws Exception {
        // In a fresh JVM, as a kernel or `mge4j run` is: this test JVM has compiled (and deoptimised) the kernels
        // for many shapes already, and C2 gives up recompiling a method that deoptimises too often, which leaves
        // the vector API slow; auto mode then rightly keeps ND4J, so it is no place to check the choice.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2",
                "-cp", cp, AutoModeCheck.class.getName(), dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("prepared form: java"), output);
    }

    /** The child JVM of the test above: the tutorial ConvNet's layers dumped, loaded and run at batch 1 in auto mode. */
    public static final class AutoModeCheck {
        public static void main(String[] args) throws Exception {
            Mge.seed(3);
            // at batch 1 the Java form is ~7x faster here, far beyond timing noise
            Net net = new Net(new Conv2d(1, 10, 5), 10 * 12 * 12, t -> F.maxPool2d(t, 2), t -> F.softmax(t, 1));
            Tensor x = Tensor.randn(1, 1, 28, 28);
            VectorPlanTest test = new VectorPlanTest();
            test.dir = Path.of(args[0]);
            GraphInference g = test.dumped(net, x, "auto");
            // a choice for ND4J taken before C2 compiled the Java kernels is taken again 1 s and 5 s on
            long start = System.nanoTime();
            while (!"java".equals(g.preparedForm(x)) && System.nanoTime() - start < 8_000_000_000L) {
                g.run(x);
            }
            assertClose(net.call(x), g.run(x).values().iterator().next(), "auto");
            System.out.println("prepared form: " + g.preparedForm(x));
        }
    }
}
