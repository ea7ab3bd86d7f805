package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.functional.F;
import org.mge4j.module.Module;
import org.mge4j.optimizer.SGD;

/** MegEngine's test_tracing.py, mirrored: return types, symbolic on and off, captured globals, errors, traced training. */
class TraceTest {
    private static TraceOptions symbolic(boolean symbolic) {
        return TraceOptions.builder().symbolic(symbolic).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tracedFunctionsReturnATensorAListOrAMapAndAgreeWithEagerOnEveryCall(boolean sym) {
        TracedFunction<Tensor> value = Jit.trace((Tensor x) -> x.neg(), symbolic(sym));
        TracedFunction<List<Tensor>> list = Jit.trace((Tensor x) -> List.of(x.add(1), x.mul(2)), symbolic(sym));
        TracedFunction<Map<String, Tensor>> map = Jit.trace((Tensor x) -> Map.of("b", F.relu(x), "a", x.exp()), symbolic(sym));
        for (int i = 0; i < 3; i++) {
            Tensor x = Tensor.of(new float[] {i, -i, 0.5f}, 3);
            assertArrayEquals(x.neg().toFloatArray(), value.call(x).toFloatArray());
            List<Tensor> l = list.call(x);
            assertArrayEquals(x.add(1).toFloatArray(), l.get(0).toFloatArray());
            assertArrayEquals(x.mul(2).toFloatArray(), l.get(1).toFloatArray());
            Map<String, Tensor> m = map.call(x);
            assertEquals(List.of("a", "b"), sym && i > 0 ? new ArrayList<>(m.keySet()) : new ArrayList<>(new java.util.TreeMap<>(m).keySet()));
            assertArrayEquals(x.exp().toFloatArray(), m.get("a").toFloatArray());
            assertArrayEquals(F.relu(x).toFloatArray(), m.get("b").toFloatArray());
        }
    }

    @Test
    void symbolicLaterCallsReplayTheGraphWithoutRunningTheFunctionWhileNonSymbolicRunsItEachTime() {
        int[] runs = {0, 0};
        TracedFunction<Tensor> sym = Jit.trace((Tensor x) -> { runs[0]++; return F.softmax(x.mul(2)); }, symbolic(true));
        TracedFunction<Tensor> eager = Jit.trace((Tensor x) -> { runs[1]++; return F.softmax(x.mul(2)); }, symbolic(false));
        for (int i = 0; i < 4; i++) {
            Tensor x = Tensor.randn(2, 5);
            assertArrayEquals(F.softmax(x.mul(2)).toFloatArray(), sym.call(x).toFloatArray());
            assertArrayEquals(F.softmax(x.mul(2)).toFloatArray(), eager.call(x).toFloatArray());
        }
        assertEquals(1, runs[0]);
        assertEquals(4, runs[1]);
        assertTrue(sym.replaysGraph());
        assertFalse(eager.replaysGraph());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDataDependentBranchTakingAnotherPathIsATraceErrorWithTheReason(boolean sym) {
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> x.sum().itemDouble() > 0 ? F.relu(x) : F.sigmoid(x), symbolic(sym));
        f.call(Tensor.of(new float[] {1, 2}, 2));
        f.call(Tensor.of(new float[] {3, 4}, 2));
        TraceError e = assertThrows(TraceError.class, () -> f.call(Tensor.of(new float[] {-1, -2}, 2)));
        assertEquals("operator mismatch", e.reason());
        assertTrue(e.getMessage().startsWith("trace error because operator mismatch: op #1 was relu in the first call, now sigmoid"),
                e.getMessage());
    }

    @Test
    void fewerOpsIsMismatureEndAndMoreIsTooManyInstructions() {
        TracedFunction<Tensor> f = Jit.traceArgs(args -> {
            Tensor x = (Tensor) args[0];
            for (int i = 0; i < (Integer) args[1]; i++) {
                x = x.neg();
            }
            return x;
        }, symbolic(false));
        Tensor x = Tensor.of(new float[] {1}, 1);
        f.call(x, 2);
        f.call(x, 2);
        assertEquals("mismature end", assertThrows(TraceError.class, () -> f.call(x, 1)).reason());
        TraceError more = assertThrows(TraceError.class, () -> f.call(x, 3));
        assertEquals("too many instructions", more.reason());
        assertTrue(more.getMessage().startsWith("trace error because too many instructions"), more.getMessage());
    }

    @Test
    void anInputThatWasExternalAndIsNowComputedIsReported() {
        Tensor w = Tensor.of(new float[] {2}, 1);
        TracedFunction<Tensor> f = Jit.traceArgs(args -> {
            Tensor x = (Tensor) args[0];
            Tensor other = (Boolean) args[1] ? x.neg() : w;
            return x.neg().add(other);
        }, symbolic(false));
        Tensor x = Tensor.of(new float[] {1}, 1);
        f.call(x, false);
        TraceError e = assertThrows(TraceError.class, () -> f.call(x, true));
        assertEquals("operator mismatch", e.reason());
        TracedFunction<Tensor> g = Jit.traceArgs(args -> {
            Tensor x2 = (Tensor) args[0];
            Tensor y = x2.neg();
            return y.add((Boolean) args[1] ? y : w);
        }, symbolic(false));
        g.call(x, false);
        assertEquals("expect external node, got internal", assertThrows(TraceError.class, () -> g.call(x, true)).reason());
        g.call(x, false);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anExceptionInsideTheTracedFunctionPropagatesUnchanged(boolean sym) {
        IllegalStateException boom = new IllegalStateException("boom");
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> {
            x.neg();
            throw boom;
        }, symbolic(sym));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> f.call(Tensor.ones(2))));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> f.call(Tensor.ones(2))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void excludedCodeRunsOnEveryCallAndItsResultEntersAsAConstant(boolean sym) {
        int[] counter = {0};
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> {
            Tensor y = x.neg();
            Tensor c;
            try (var ignored = Jit.excludeFromTrace()) {
                assertFalse(Jit.isTracing());
                c = Tensor.scalar(counter[0]++).mul(10);
            }
            assertTrue(Jit.isTracing());
            return y.add(c);
        }, symbolic(sym));
        Tensor x = Tensor.of(new float[] {1}, 1);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new float[] {-1 + 10 * i}, f.call(x).toFloatArray());
        }
        assertFalse(f.replaysGraph());
    }

    @Test
    void printingATracedValueRunsTheFunctionOnEveryCall() {
        List<String> printed = new ArrayList<>();
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> {
            Tensor y = x.mul(2);
            printed.add(y.toString());
            return y;
        }, symbolic(true));
        f.call(Tensor.of(new float[] {1}, 1));
        f.call(Tensor.of(new float[] {2}, 1));
        assertEquals(2, printed.size());
        assertTrue(printed.get(1).contains("4."), printed.get(1));
    }

    @Test
    void captureAsConstFreezesGlobalsWhileALiveTraceReadsTheirCurrentValue() {
        Tensor g = Tensor.of(new float[] {1, 2}, 2);
        TracedFunction<Tensor> frozen = Jit.trace((Tensor x) -> x.add(g),
                TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        TracedFunction<Tensor> live = Jit.trace((Tensor x) -> x.add(g), symbolic(true));
        Tensor x = Tensor.zeros(2);
        frozen.call(x);
        live.call(x);
        g.reset(Tensor.of(new float[] {5, 6}, 2).nd());
        assertArrayEquals(new float[] {1, 2}, frozen.call(x).toFloatArray());
        assertArrayEquals(new float[] {5, 6}, live.call(x).toFloatArray());
    }

    @Test
    void anOpWithNoGraphFormIsNotTraceableInSymbolicModeButRunsWhenNotSymbolic() {
        TraceError e = assertThrows(TraceError.NotTraceable.class,
                () -> Jit.trace((Tensor x) -> x.slice(0, 0, 1), symbolic(true)).call(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("op 'subtensor' is not traceable yet"), e.getMessage());
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> x.slice(0, 0, 1), symbolic(false));
        f.call(Tensor.ones(3));
        assertEquals(1, f.call(Tensor.ones(3)).size());
    }

    /** test_output_copy_trace: a training step traced (symbolic or not) gives the numbers of the eager step, bit for bit. */
    static class Simple extends Module {
        Parameter a = new Parameter(new float[] {1.0f});

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(a).exp();
        }
    }

    @Test
    void tracedTrainingWithGradManagerAndSgdEqualsEagerTraining() {
        List<float[]> eager = train(null);
        for (boolean sym : new boolean[] {false, true}) {
            List<float[]> traced = train(symbolic(sym));
            for (int i = 0; i < eager.size(); i++) {
                assertArrayEquals(eager.get(i), traced.get(i), "step " + i + " symbolic=" + sym);
            }
        }
    }

    private static List<float[]> train(TraceOptions options) {
        Simple net = new Simple();
        GradManager gm = new GradManager().attach(net.parameters());
        SGD opt = new SGD(net.parameters(), 1e-3, 0.9);
        Tensor data = Tensor.arange(4).reshape(2, 2);
        java.util.function.Function<Tensor, Tensor> step = d -> {
            try (var rec = gm.record()) {
                Tensor loss = net.call(d);
                gm.backward(loss);
                opt.step().clearGrad();
                return loss;
            }
        };
        TracedFunction<Tensor> traced = options == null ? null : Jit.trace(step, options);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.add((traced == null ? step.apply(data) : traced.call(data)).toFloatArray());
        }
        out.add(net.a.toFloatArray());
        return out;
    }

    @Test
    void callingATracedFunctionInsideAnotherIsRefused() {
        TracedFunction<Tensor> inner = Jit.trace((Tensor x) -> x.neg(), symbolic(true));
        TracedFunction<Tensor> outer = Jit.trace((Tensor x) -> inner.call(x), symbolic(true));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> outer.call(Tensor.ones(1)));
        assertTrue(e.getMessage().contains("nested traces"), e.getMessage());
        assertInstanceOf(Tensor.class, inner.call(Tensor.ones(1)));
    }
}
