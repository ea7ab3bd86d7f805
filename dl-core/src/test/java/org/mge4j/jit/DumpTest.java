package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.BatchNorm2d;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Dropout;
import org.mge4j.module.Linear;
import org.mge4j.module.Module;

/** MegEngine's dump tests (test_tracing.py, test_trace_dump.py), mirrored, plus the optimisation passes. */
class DumpTest {
    private static final TraceOptions CONST = TraceOptions.builder().symbolic(true).captureAsConst(true).build();

    @TempDir
    Path dir;

    @Test
    void dumpOfAPlusBHasThreeOperatorsInputsArg0Arg1AndOutputAddAndRunsLikeEager() throws Exception {
        TracedFunction<Tensor> f = Jit.trace((Tensor a, Tensor b) -> a.add(b), CONST);
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
        Tensor eager = f.call(a, b);
        DumpResult r = f.dump(dir.resolve("add.mge").toString());
        assertEquals(3, r.nrOpr());
        assertEquals(List.of("arg_0", "arg_1"), r.inputs());
        assertEquals(List.of("ADD"), r.outputs());
        assertEquals(Files.size(dir.resolve("add.mge")), r.totBytes());
        GraphInference net = Jit.load(dir.resolve("add.mge").toString());
        assertEquals(List.of("arg_0", "arg_1"), net.inputNames());
        assertArrayEquals(eager.toFloatArray(), net.run(a, b).get("ADD").toFloatArray());
        assertArrayEquals(eager.toFloatArray(), net.run(Map.of("arg_1", b, "arg_0", a)).get("ADD").toFloatArray());
    }

    @Test
    void aCapturedGlobalIsDumpedAsAConstant() {
        Tensor g = Tensor.of(new float[] {1, -1}, 2);
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> x.mul(g), CONST);
        Tensor x = Tensor.of(new float[] {3, 4}, 2);
        f.call(x);
        DumpResult r = f.dump(dir.resolve("capture.mge").toString());
        assertEquals(3, r.nrOpr());
        assertEquals(8, r.tensorValueBytes());
        assertArrayEquals(new float[] {3, -4}, Jit.load(dir.resolve("capture.mge")).run(x).get("MUL").toFloatArray());
    }

    @Test
    void withoutOptimizeForInferenceConstantExpressionsStayOpsAndWithItTheyAreFolded() {
        Tensor g = Tensor.of(new float[] {0, 1}, 2);
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> x.mul(g.exp()), CONST);
        Tensor x = Tensor.of(new float[] {1, 1}, 2);
        Tensor eager = f.call(x);
        DumpResult plain = f.dump(dir.resolve("plain.mge"), DumpOptions.builder().optimizeForInference(false).build());
        DumpResult folded = f.dump(dir.resolve("folded.mge"), DumpOptions.builder().build());
        assertEquals(List.of("exp", "mul"), Jit.load(dir.resolve("plain.mge")).opNames());
        assertEquals(List.of("mul"), Jit.load(dir.resolve("folded.mge")).opNames());
        assertEquals(4, plain.nrOpr());
        assertEquals(3, folded.nrOpr());
        assertArrayEquals(eager.toFloatArray(), Jit.load(dir.resolve("folded.mge")).run(x).get("MUL").toFloatArray(), 1e-6f);
    }

    @Test
    void dumpRefusesWhatMegEngineRefusesWithItsMessages() {
        TracedFunction<Tensor> live = Jit.trace((Tensor x) -> x.neg(), TraceOptions.builder().symbolic(true).build());
        live.call(Tensor.ones(1));
        assertEquals("you must specify captureAsConst(true) in TraceOptions to use dump (MegEngine: capture_as_const=True at __init__)",
                assertThrows(IllegalStateException.class, () -> live.dump(dir.resolve("x.mge").toString())).getMessage());

        TracedFunction<Tensor> none = Jit.trace((Tensor x) -> { x.neg(); return null; }, CONST);
        none.call(Tensor.ones(1));
        assertTrue(assertThrows(IllegalStateException.class, () -> none.dump(dir.resolve("x.mge").toString())).getMessage()
                .startsWith("the traced function without return values cannot be dumped"));

        TracedFunction<Tensor> neg = Jit.trace((Tensor x) -> x.neg(), CONST);
        assertTrue(assertThrows(IllegalStateException.class, () -> neg.dump(dir.resolve("x.mge").toString())).getMessage()
                .contains("call it once"));
        neg.call(Tensor.ones(1));
        assertEquals("wrong number of arg_names, should be 1 values", assertThrows(IllegalArgumentException.class,
                () -> neg.dump(dir.resolve("x.mge").toString(), DumpOptions.builder().argNames("a", "b").build())).getMessage());
        assertEquals("wrong number of output_names, should be 1 values", assertThrows(IllegalArgumentException.class,
                () -> neg.dump(dir.resolve("x.mge").toString(), DumpOptions.builder().outputNames("a", "b").build())).getMessage());

        TracedFunction<Map<String, Tensor>> dict = Jit.trace((Tensor x) -> Map.of("y", x.neg()), CONST);
        dict.call(Tensor.ones(1));
        assertEquals("cannot specify output_names when output is already in dict format", assertThrows(IllegalArgumentException.class,
                () -> dict.dump(dir.resolve("x.mge").toString(), DumpOptions.builder().outputNames("z").build())).getMessage());
        assertEquals(List.of("y"), dict.dump(dir.resolve("dict.mge").toString()).outputs());
        assertTrue(Files.notExists(dir.resolve("x.mge")), "a refused dump writes nothing");
    }

    static class ConvBn extends Module {
        Conv2d conv = new Conv2d(2, 4, 3);
        BatchNorm2d bn = new BatchNorm2d(4);
        Dropout drop = new Dropout(0.3);
        Linear fc = new Linear(4 * 4 * 4, 3);

        @Override
        public Tensor forward(Tensor x) {
            x = drop.call(F.relu(bn.call(conv.call(x))));
            return F.softmax(fc.call(F.flatten(x, 1)));
        }
    }

    @Test
    void batchNormInTrainingModeRefusesToDump() {
        ConvBn net = new ConvBn();
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> net.call(x), CONST);
        f.call(Tensor.randn(2, 2, 6, 6));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.dump(dir.resolve("bn.mge").toString()));
        assertTrue(e.getMessage().startsWith("cannot dump a graph with batch_norm in training mode"), e.getMessage());
    }

    @Test
    void optimizeForInferenceFoldsBatchNormIntoTheConvFusesReluAndDropsEvalDropoutWithTheSameOutputs() {
        Mge.seed(5);
        ConvBn net = new ConvBn();
        for (int i = 0; i < 3; i++) {
            net.call(Tensor.randn(8, 2, 6, 6).mul(2).add(1));   // training steps move the running statistics
        }
        net.bn.weight.reset(Tensor.uniform(0.5, 1.5, 4).nd());
        net.bn.bias.reset(Tensor.uniform(-1, 1, 4).nd());
        net.eval();
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> net.call(x), CONST);
        Tensor probe = Tensor.randn(1, 2, 6, 6);
        f.call(probe);
        f.dump(dir.resolve("plain.mge"), DumpOptions.builder().argNames("data").optimizeForInference(false).build());
        DumpResult r = f.dump(dir.resolve("opt.mge"), DumpOptions.builder().argNames("data").outputNames("prob").build());
        GraphInference plain = Jit.load(dir.resolve("plain.mge"));
        GraphInference opt = Jit.load(dir.resolve("opt.mge"));
        assertEquals(List.of("conv2d", "batch_norm", "reshape", "mul", "reshape", "add", "relu", "dropout", "flatten", "linear",
                "softmax"), plain.opNames());
        assertEquals(List.of("conv2d+relu", "flatten", "linear", "softmax"), opt.opNames());
        assertEquals(List.of("prob"), r.outputs());
        assertEquals(1 + 4 + 4, r.nrOpr(), "data, conv weight and bias, fc weight and bias, and four ops");
        Tensor x = Tensor.randn(5, 2, 6, 6);
        float[] eager = net.call(x).toFloatArray();
        assertArrayEquals(eager, plain.run(Map.of("data", x)).get("SOFTMAX").toFloatArray(), 1e-6f);
        assertArrayEquals(eager, opt.run(Map.of("data", x)).get("prob").toFloatArray(), 1e-5f);
    }

    @Test
    void keepVarNameKeepsATensorsOwnNameForAnOutput() {
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> x.mul(2).name("o_x"), CONST);
        f.call(Tensor.ones(2));
        assertEquals(List.of("o_x"), f.dump(dir.resolve("named.mge").toString()).outputs());
        assertEquals(List.of("MUL"), f.dump(dir.resolve("anon.mge"), DumpOptions.builder().keepVarName(0).build()).outputs());
    }

    @Test
    void loadingRejectsWrongInputNamesWithMegEnginesMessage() {
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> F.relu(x), CONST);
        f.call(Tensor.ones(1, 3));
        f.dump(dir.resolve("relu.mge"), DumpOptions.builder().argNames("data").build());
        GraphInference net = Jit.load(dir.resolve("relu.mge"));
        assertEquals("This model expects inputs ['data'], but gets inputs ['x']", assertThrows(IllegalArgumentException.class,
                () -> net.run(Map.of("x", Tensor.ones(1, 3)))).getMessage());
        assertEquals(Map.of("data", List.of(1L, 3L)).toString(),
                Map.of("data", java.util.Arrays.stream(net.inputShapes().get("data")).boxed().toList()).toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> net.run(Tensor.ones(1, 4))).getMessage()
                .contains("input 'data' must have shape (1, 3)"));
        assertEquals(7, net.run(Tensor.ones(7, 3)).get("RELU").shape(0), "any batch size runs");
    }

    @Test
    void repeatedRunsOnPreparedOpsGiveEagersResultsAndNeverOverwriteAnEarlierResult() {
        Mge.seed(9);
        ConvBn net = new ConvBn();
        net.eval();
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> net.call(x), CONST);
        f.call(Tensor.randn(2, 2, 6, 6));
        f.dump(dir.resolve("plan.mge"), DumpOptions.builder().argNames("data").build());
        GraphInference g = Jit.load(dir.resolve("plan.mge"));
        Tensor x1 = Tensor.randn(2, 2, 6, 6);
        Tensor x2 = Tensor.randn(2, 2, 6, 6);
        Tensor first = g.run(x1).get("SOFTMAX");
        float[] firstValues = first.toFloatArray();
        Tensor second = g.run(x1).get("SOFTMAX");   // the prepared plan for this shape
        Tensor third = g.run(x2).get("SOFTMAX");
        // the first run goes op by op; the prepared form (Java kernels or ND4J) may sum in another order
        assertArrayEquals(firstValues, second.toFloatArray(), 1e-6f);
        assertArrayEquals(firstValues, first.toFloatArray(), "a later run must not overwrite an earlier result");
        assertArrayEquals(net.call(x2).toFloatArray(), third.toFloatArray(), 1e-5f);
        assertArrayEquals(second.toFloatArray(), g.run(x1).get("SOFTMAX").toFloatArray());
        assertArrayEquals(net.call(Tensor.ones(3, 2, 6, 6)).toFloatArray(), g.run(Tensor.ones(3, 2, 6, 6)).get("SOFTMAX").toFloatArray(), 1e-5f);
    }
}
