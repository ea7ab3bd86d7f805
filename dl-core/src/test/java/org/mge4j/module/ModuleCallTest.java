package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;
import org.mge4j.module.Fixtures.MyModule;

/** Module.call: forward dispatch and MegEngine's test_module_api_hooks. */
class ModuleCallTest {

    @Test
    void preHooksModifyInputsAndHooksModifyOutputsUntilRemoved() {
        MyModule net = new MyModule();
        int[] pre = {0};
        int[] post = {0};
        List<HookHandle> hooks = new ArrayList<>();
        ForwardPreHook preHook = (module, inputs) -> {
            pre[0]++;
            Object[] modified = new Object[inputs.length];
            for (int n = 0; n < inputs.length; n++) {
                modified[n] = ((Tensor) inputs[n]).add(1);
            }
            return modified;
        };
        ForwardHook postHook = (module, inputs, output) -> {
            post[0]++;
            return ((Tensor) output).add(1);
        };
        net.apply(m -> hooks.add(m.registerForwardPreHook(preHook)));
        net.apply(m -> hooks.add(m.registerForwardHook(postHook)));

        Tensor x = Tensor.zeros(1, 4, 1, 1);
        Tensor y = net.call(x);
        assertEquals(4, pre[0]);
        assertEquals(4, post[0]);
        // i.bn sees x+3 and net.bn sees bn1+3 (both 3 everywhere): batch statistics give 0, the hooks add 2
        assertArrayEquals(new float[] {2, 2, 2, 2}, y.toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, net.i.bn.runningMean.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, net.bn.runningMean.toFloatArray(), 1e-6f);

        assertEquals(8, hooks.size());
        hooks.forEach(HookHandle::remove);
        net.call(x);
        assertEquals(4, pre[0]);
        assertEquals(4, post[0]);
    }

    @Test
    void aPreHookReturningOneValueReplacesTheInputsWithIt() {
        Identity id = new Identity();
        Tensor other = Tensor.ones(2);
        id.registerForwardPreHook((m, inputs) -> other);
        assertEquals(other, id.call(Tensor.zeros(2)));
    }

    @Test
    void hooksReturningNullKeepValues() {
        Identity id = new Identity();
        Tensor x = Tensor.zeros(2);
        id.registerForwardPreHook((m, inputs) -> null);
        id.registerForwardHook((m, inputs, out) -> null);
        assertEquals(x, id.call(x));
    }

    /** A module with two inputs, as a user would write one. */
    static class Add extends Module {
        public Tensor forward(Tensor a, Tensor b) {
            return a.add(b);
        }
    }

    @Test
    void callFindsAPublicForwardWithMatchingParameters() {
        Object out = new Add().call(Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {3, 4}));
        assertArrayEquals(new float[] {4, 6}, ((Tensor) out).toFloatArray());
    }

    @Test
    void callWithoutAMatchingForwardSaysWhatToDeclare() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Add().call(Tensor.zeros(1), Tensor.zeros(1), Tensor.zeros(1)));
        assertTrue(e.getMessage().contains("Add has no public forward method taking (Tensor, Tensor, Tensor)"),
                e.getMessage());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> new Add().call(Tensor.zeros(1)));
        assertTrue(u.getMessage().contains("public Tensor forward(Tensor x)"), u.getMessage());
    }

    @Test
    void exceptionsFromForwardPropagateUnwrapped() {
        Module bad = new Module() {
            public Tensor forward(Tensor a, Tensor b) {
                throw new IllegalStateException("boom");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> bad.call(Tensor.zeros(1), Tensor.zeros(1)));
        assertEquals("boom", e.getMessage());
    }

    @Test
    void toTheDeviceTheTensorsAreOnReturnsTheModule() {
        MyModule m = new MyModule();
        assertEquals(m, m.to("cpu0"));
    }
}
