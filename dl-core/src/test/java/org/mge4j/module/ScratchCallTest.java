package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.training.ConvNet;

/** Eval-mode calls reuse scratch memory for their intermediates; results and readable tensors must not notice. */
class ScratchCallTest {
    /** A module that keeps its hidden activation in a field, as notebook code sometimes does. */
    static class Keeper extends Module {
        Linear fc = new Linear(64, 64);
        Tensor features;

        @Override
        public Tensor forward(Tensor x) {
            features = F.relu(fc.call(x));
            return features.sum(1);
        }
    }

    @Test
    void evalCallsGiveTheSameValuesAsCallsWithoutScratchMemory() {
        Mge.seed(11);
        ConvNet model = new ConvNet();
        model.eval();
        Tensor x = Tensor.randn(64, 1, 28, 28);
        float[] scratch = model.call(x).toFloatArray();
        HookHandle hook = model.registerForwardHook((m, in, out) -> null);
        float[] plain = model.call(x).toFloatArray();
        hook.remove();
        assertArrayEquals(plain, scratch);
    }

    @Test
    void theResultOfAnEvalCallSurvivesLaterCalls() {
        Mge.seed(12);
        ConvNet model = new ConvNet();
        model.eval();
        Tensor first = model.call(Tensor.randn(64, 1, 28, 28));
        float[] expected = first.toFloatArray();
        for (int i = 0; i < 3; i++) {
            model.call(Tensor.randn(64, 1, 28, 28));
        }
        assertArrayEquals(expected, first.toFloatArray());
        assertArrayEquals(expected, first.mul(1.0).toFloatArray());
    }

    @Test
    void anIntermediateKeptInAFieldRefusesToBeReadInsteadOfShowingReusedMemory() {
        Keeper model = new Keeper();
        model.eval();
        model.call(Tensor.randn(512, 64));
        var e = assertThrows(IllegalStateException.class, () -> model.features.toFloatArray());
        assertTrue(e.getMessage().contains("x.copy()"), e.getMessage());
    }

    @Test
    void callsWithHooksInTrainModeOrOnSmallInputsKeepIntermediatesReadable() {
        Keeper model = new Keeper();
        model.train();
        model.call(Tensor.randn(512, 64));
        assertDoesNotThrow(() -> model.features.toFloatArray());

        model.eval();
        HookHandle hook = model.fc.registerForwardHook((m, in, out) -> null);
        model.call(Tensor.randn(512, 64));
        assertDoesNotThrow(() -> model.features.toFloatArray());
        hook.remove();

        model.call(Tensor.randn(2, 64));
        assertDoesNotThrow(() -> model.features.toFloatArray());
    }
}
