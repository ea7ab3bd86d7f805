package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.functional.F;
import org.mge4j.optimizer.SGD;
import org.mge4j.training.ConvNet;

/**
 * Training steps reuse the previous step's activation memory; nothing a user can observe may change: gradients,
 * parameters, results kept across steps. An activation that escaped its step refuses to be read once reused.
 */
class ActivationMemoryTest {
    /** A module that keeps its hidden activation in a field, as notebook code sometimes does. */
    static class Keeper extends Module {
        Linear fc = new Linear(64, 64);
        Tensor features;
        Tensor view;

        @Override
        public Tensor forward(Tensor x) {
            features = F.relu(fc.call(x));
            view = features.reshape(-1, 8, 8).transpose(0, 2, 1);
            return features.sum(1);
        }
    }

    private static Map<String, float[]> train(boolean withHook, int steps, long seed) {
        Mge.seed(seed);
        ConvNet model = new ConvNet();
        if (withHook) {
            model.registerForwardHook((m, in, out) -> null);  // hooks make calls use ordinary memory
        }
        SGD opt = new SGD(model.parameters(), 0.05, 0.9);
        GradManager gm = new GradManager().attach(model.parameters());
        Mge.seed(seed + 1);
        Tensor labels = Tensor.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1});
        for (int i = 0; i < steps; i++) {
            Tensor x = Tensor.randn(32, 1, 28, 28);
            try (var rec = gm.record()) {
                gm.backward(F.crossEntropy(model.call(x), labels));
                opt.step().clearGrad();
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void trainingWithReusedMemoryGivesBitIdenticalParameters() {
        Map<String, float[]> reused = train(false, 6, 5);
        Map<String, float[]> plain = train(true, 6, 5);
        assertEquals(plain.keySet(), reused.keySet());
        plain.forEach((k, v) -> assertArrayEquals(v, reused.get(k), k));
    }

    @Test
    void resultsAndLossesKeptAcrossStepsStayReadable() {
        Mge.seed(21);
        ConvNet model = new ConvNet();
        GradManager gm = new GradManager().attach(model.parameters());
        Tensor labels = Tensor.of(new int[32]);
        List<Tensor> outputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (var rec = gm.record()) {
                Tensor out = model.call(Tensor.randn(32, 1, 28, 28));
                gm.backward(F.crossEntropy(out, labels));
                outputs.add(out);
                expected.add(out.toFloatArray());
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            assertArrayEquals(expected.get(i), outputs.get(i).toFloatArray());
        }
    }

    @Test
    void twoCallsInOneRecordingBothKeepTheirActivationsForBackward() {
        Mge.seed(31);
        ConvNet model = new ConvNet();
        Tensor a = Tensor.randn(32, 1, 28, 28);
        Tensor b = Tensor.randn(32, 1, 28, 28);
        Map<String, float[]> reused = twoCallGrads(model, a, b);
        var hook = model.registerForwardHook((m, in, out) -> null);
        Map<String, float[]> plain = twoCallGrads(model, a, b);
        hook.remove();
        plain.forEach((k, v) -> assertArrayEquals(v, reused.get(k), k));
    }

    private static Map<String, float[]> twoCallGrads(ConvNet model, Tensor a, Tensor b) {
        GradManager gm = new GradManager().attach(model.parameters());
        try (var rec = gm.record()) {
            Tensor ya = model.call(a);
            Tensor yb = model.call(b);
            gm.backward(ya.mul(yb).sum());
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            grads.put(e.getKey(), p.grad().toFloatArray());
            p.setGrad(null);
        }
        return grads;
    }

    @Test
    void anActivationKeptInAFieldIsReadableUntilTheNextStepThenRefuses() {
        Mge.seed(41);
        Keeper model = new Keeper();
        GradManager gm = new GradManager().attach(model.parameters());
        try (var rec = gm.record()) {
            gm.backward(model.call(Tensor.randn(512, 64)).sum());
        }
        Tensor kept = model.features;
        Tensor view = model.view;
        float[] first = kept.toFloatArray();
        Tensor detached = kept.detach();
        try (var rec = gm.record()) {
            gm.backward(model.call(Tensor.randn(512, 64)).sum());
        }
        var e = assertThrows(IllegalStateException.class, kept::toFloatArray);
        assertTrue(e.getMessage().contains("x.copy()"), e.getMessage());
        assertThrows(IllegalStateException.class, detached::toFloatArray);
        assertThrows(IllegalStateException.class, view::toFloatArray);
        assertDoesNotThrow(() -> model.features.toFloatArray());
        assertEquals(512 * 64, first.length);
    }

    @Test
    void aCopyTakenInsideForwardSurvivesLaterSteps() {
        Mge.seed(51);
        class CopyKeeper extends Module {
            Linear fc = new Linear(64, 64);
            Tensor features;

            @Override
            public Tensor forward(Tensor x) {
                Tensor h = F.relu(fc.call(x));
                features = h.copy();
                return h.sum(1);
            }
        }
        CopyKeeper model = new CopyKeeper();
        GradManager gm = new GradManager().attach(model.parameters());
        try (var rec = gm.record()) {
            gm.backward(model.call(Tensor.randn(512, 64)).sum());
        }
        Tensor kept = model.features;
        float[] first = kept.toFloatArray();
        try (var rec = gm.record()) {
            gm.backward(model.call(Tensor.randn(512, 64)).sum());
        }
        assertArrayEquals(first, kept.toFloatArray());
    }
}
