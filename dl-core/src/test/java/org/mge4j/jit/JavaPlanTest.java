package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.Module;

/**
 * The Java form of a dumped graph ({@link JavaPlan}) against eager mge4j on ND4J: every convolution path (in-place
 * runs, padded copy, 1x1, strided im2col, dilation), pooling (including NaN and odd sizes), linear at batch sizes on
 * both sides of its gemv/gemm switch, softmax and log_softmax; which form runs when; and the per-shape cache. This
 * JVM has the vector API (surefire's argLine), so its cases run on {@link VectorApiKernels}; the tests tagged
 * {@code fresh-jvm} run them again, and auto mode's choice, in JVMs without the module, on {@link LoopKernels}.
 */
class JavaPlanTest {
    @TempDir
    Path dir;
    private String saved;

    @BeforeEach
    void javaKernels() {
        saved = System.getProperty("mge4j.jit.kernels");
        System.setProperty("mge4j.jit.kernels", "java");
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
        Tensor want = F.maxPool2d(Tensor.of(plane, 2, 1, 4, 40), 2);
        for (PlanKernels kernels : List.of(PlanKernels.chosen(), new LoopKernels())) {
            float[] got = new float[2 * 2 * 20 + 64];
            kernels.maxPool2x2(plane, 0, 4, 40, got, 0);
            kernels.maxPool2x2(plane, 160, 4, 40, got, 40);
            String what = "NaN pooling, " + kernels.name();
            assertClose(want, Tensor.of(java.util.Arrays.copyOf(got, 80), 2, 1, 2, 20), what);
            assertEquals(1f, got[2], what + ": the window (1, NaN, -1, 0) gives 1: NaN skipped");
            assertEquals(-Float.MAX_VALUE, got[41], what + ": a window of NaN gives the lowest float");
        }
    }

    @Test
    void bothKernelFormsEqualANaiveProductOnEveryBlockAndRemainder() {
        // rows and columns on both sides of each blocking (2 and 4 rows, 4 values of k, 8 and 16 lanes), offsets,
        // bias or none, relu or none, and one column
        Random r = new Random(5);
        int[][] shapes = {{1, 1, 1}, {2, 17, 4}, {3, 16, 5}, {5, 33, 9}, {8, 96, 250}, {10, 672, 25}, {7, 2, 3}, {4, 1, 31}};
        for (PlanKernels kernels : List.of(PlanKernels.chosen(), new LoopKernels())) {
            for (int[] mnk : shapes) {
                int m = mnk[0];
                int n = mnk[1];
                int k = mnk[2];
                float[] a = gaussians(r, 3 + m * k);
                float[] b = gaussians(r, 5 + k * n + 7);
                float[] bias = gaussians(r, m);
                int[] rows = new int[k];
                for (int i = 0; i < k; i++) {
                    rows[i] = i * (n + 1) + (i % 3);   // row starts that are not k*N: a convolution's input runs
                }
                float[] runs = gaussians(r, 5 + k * (n + 1) + 3);
                for (boolean relu : new boolean[] {false, true}) {
                    float[] want = naive(a, 3, b, 5, null, m, n, k, bias, relu);
                    float[] got = new float[2 + m * n];
                    kernels.gemm(a, 3, b, 5, got, 2, m, n, k, bias, relu);
                    assertNear(want, got, 2, kernels.name() + " gemm " + m + "x" + n + "x" + k + " relu " + relu);
                    want = naive(a, 3, runs, 5, rows, m, n, k, null, relu);
                    got = new float[2 + m * n];
                    kernels.gemm(a, 3, runs, 5, rows, got, 2, m, n, k, null, relu);
                    assertNear(want, got, 2, kernels.name() + " gemm over runs " + m + "x" + n + "x" + k + " relu " + relu);
                    want = naive(a, 3, b, 5, null, m, 1, k, bias, relu);
                    got = new float[2 + m];
                    kernels.gemv(a, 3, b, 5, got, 2, m, k, bias, relu);
                    assertNear(want, got, 2, kernels.name() + " gemv " + m + "x" + k + " relu " + relu);
                }
            }
            float[] x = gaussians(r, 40);
            x[7] = Float.NaN;
            float[] y = new float[40];
            kernels.relu(x, 0, y, 0, 40);
            kernels.relu(x, 20, y, 10, 5);   // offsets that differ
            for (int i = 0; i < 40; i++) {
                float want = i >= 10 && i < 15 ? Math.max(x[i + 10], 0f) : Math.max(x[i], 0f);
                assertEquals(want, y[i], kernels.name() + " relu element " + i);
            }
            assertTrue(Float.isNaN(y[7]), kernels.name() + ": relu keeps NaN, as ND4J does");
        }
    }

    private static float[] gaussians(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** The product in double, one element at a time: row k of B at {@code b + rows[k]}, or {@code b + k*n}. */
    private static float[] naive(float[] a, int ao, float[] b, int bo, int[] rows, int m, int n, int k, float[] bias, boolean relu) {
        float[] c = new float[2 + m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : bias[i];
                for (int q = 0; q < k; q++) {
                    s += (double) a[ao + i * k + q] * b[bo + (rows == null ? q * n : rows[q]) + j];
                }
                c[2 + i * n + j] = relu ? (float) Math.max(s, 0) : (float) s;
            }
        }
        return c;
    }

    private static void assertNear(float[] want, float[] got, int from, String what) {
        for (int i = 0; i < from; i++) {
            assertEquals(0f, got[i], what + ": element " + i + " before the output was written");
        }
        for (int i = from; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4 * (1 + Math.abs(want[i])),
                    what + ": element " + (i - from) + " is " + got[i] + ", want " + want[i]);
        }
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
    @Tag("fresh-jvm")
    void autoModeTimesBothAndPicksJavaForTheTutorialNetAtBatchOne() throws Exception {
        String output = inFreshJvm(true, AutoModeCheck.class, dir.toString());
        assertTrue(output.contains("prepared form: java, kernels: vector API"), output);
    }

    @Test
    @Tag("fresh-jvm")
    void withoutTheVectorModuleAutoModeStillPicksJavaForTheTutorialNetAtBatchOne() throws Exception {
        String output = inFreshJvm(false, AutoModeCheck.class, dir.toString());
        assertTrue(output.contains("prepared form: java, kernels: plain Java loops"), output);
    }

    @Test
    @Tag("fresh-jvm")
    void withoutTheVectorModuleEveryCasePassesOnPlainLoopsAndTheVectorApiIsNeverLoaded() throws Exception {
        Path classes = dir.resolve("classes.log");
        String output = inFreshJvm(false, WithoutVectorModule.class, dir.toString(), "-Xlog:class+load=info:file=" + classes);
        int cases = 0;
        for (Method m : JavaPlanTest.class.getDeclaredMethods()) {
            cases += m.isAnnotationPresent(Test.class) && !m.isAnnotationPresent(Tag.class) ? 1 : 0;
        }
        assertTrue(output.contains("passed " + cases + " of " + cases + " on plain Java loops"), output);
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("org.mge4j.jit.LoopKernels"), "the class-load log names the plain kernels");
        assertTrue(!loaded.contains("org.mge4j.jit.VectorApiKernels") && !loaded.contains("jdk.incubator.vector"),
                "a JVM without the module never loads the vector API kernels");
    }

    @Test
    @Tag("fresh-jvm")
    void aJvmWithoutC2KeepsGraphsOnNd4jEvenInJavaMode() throws Exception {
        // C1 alone never vectorises a loop: there the Java plan would be slower than ND4J, not faster
        String output = inFreshJvm(false, WithoutC2.class, dir.toString(), "-XX:TieredStopAtLevel=1");
        assertTrue(output.contains("prepared form: nd4j"), output);
    }

    /** The child JVM of the test above. */
    public static final class WithoutC2 {
        public static void main(String[] args) throws Exception {
            System.setProperty("mge4j.jit.kernels", "java");
            Mge.seed(3);
            Net net = new Net(new Conv2d(1, 2, 3), 2 * 4 * 4, t -> t, t -> t);
            Tensor x = Tensor.randn(1, 1, 6, 6);
            JavaPlanTest test = new JavaPlanTest();
            test.dir = Path.of(args[0]);
            GraphInference g = test.dumped(net, x, "noc2");
            g.run(x);
            assertClose(net.call(x), g.run(x).values().iterator().next(), "without C2");
            System.out.println("prepared form: " + g.preparedForm(x));
        }
    }

    /**
     * Runs {@code main} in a fresh JVM with or without the vector API module and returns its output. A fresh JVM
     * is also how a kernel or {@code mge4j run} meets a graph: this test JVM has compiled (and deoptimised) the
     * kernels for many shapes already, and C2 gives up recompiling a method that deoptimises too often, which
     * leaves them slow; auto mode then rightly keeps ND4J, so it is no place to check the choice.
     */
    private static String inFreshJvm(boolean vectorModule, Class<?> main, String arg, String... jvmOptions) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (vectorModule) {
            cmd.add("--add-modules=jdk.incubator.vector");
        }
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2", "-cp", cp, main.getName(), arg));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertEquals(vectorModule, output.contains("WARNING: Using incubator modules: jdk.incubator.vector"), output);
        return output;
    }

    /** The child JVM of the auto-mode tests: the tutorial ConvNet's layers dumped, loaded and run at batch 1. */
    public static final class AutoModeCheck {
        public static void main(String[] args) throws Exception {
            Mge.seed(3);
            // at batch 1 the Java form is ~7x (vector API) or ~4x (plain loops) faster than ND4J: far beyond timing noise
            Net net = new Net(new Conv2d(1, 10, 5), 10 * 12 * 12, t -> F.maxPool2d(t, 2), t -> F.softmax(t, 1));
            Tensor x = Tensor.randn(1, 1, 28, 28);
            JavaPlanTest test = new JavaPlanTest();
            test.dir = Path.of(args[0]);
            GraphInference g = test.dumped(net, x, "auto");
            // a choice for ND4J taken before C2 compiled the Java kernels is taken again 1 s and 5 s on
            long start = System.nanoTime();
            while (!"java".equals(g.preparedForm(x)) && System.nanoTime() - start < 8_000_000_000L) {
                g.run(x);
            }
            assertClose(net.call(x), g.run(x).values().iterator().next(), "auto");
            System.out.println("prepared form: " + g.preparedForm(x) + ", kernels: " + PlanKernels.chosen().name());
        }
    }

    /** The child JVM that runs every case of this class not tagged {@code fresh-jvm}, as JUnit would, without the module. */
    public static final class WithoutVectorModule {
        public static void main(String[] args) throws Exception {
            if (PlanKernels.vectorModulePresent()) {
                throw new IllegalStateException("this check must run without --add-modules jdk.incubator.vector");
            }
            int cases = 0;
            int passed = 0;
            for (Method m : JavaPlanTest.class.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(Tag.class)) {
                    continue;
                }
                cases++;
                JavaPlanTest test = new JavaPlanTest();
                test.dir = Files.createTempDirectory(Path.of(args[0]), m.getName());
                test.javaKernels();
                try {
                    m.invoke(test);
                    passed++;
                    System.out.println("passed " + m.getName());
                } catch (InvocationTargetException e) {
                    System.out.println("FAILED " + m.getName());
                    e.getCause().printStackTrace(System.out);
                } finally {
                    test.restore();
                }
            }
            System.out.println("passed " + passed + " of " + cases + " on " + PlanKernels.chosen().name());
        }
    }
}
