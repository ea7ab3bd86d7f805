package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.functional.F;

/** The modules of MegEngine's test_module.py, written as a Java user would. */
final class Fixtures {
    private Fixtures() {
    }

    /** MegEngine's MyModule.InnerModule. */
    static class Inner extends Module {
        BatchNorm2d bn = new BatchNorm2d(4);

        @Override
        public Tensor forward(Tensor x) {
            return bn.call(x);
        }
    }

    /** MegEngine's MyModule; {@code h} is null until a test reuses a submodule under it. */
    static class MyModule extends Module {
        Inner i = new Inner();
        BatchNorm2d bn = new BatchNorm2d(4);
        Parameter param = new Parameter(new float[] {1f});
        Tensor buff = Tensor.of(new float[] {1f});
        Module h;

        @Override
        public Tensor forward(Tensor x) {
            x = i.call(x);
            return bn.call(x);
        }
    }

    /** MegEngine's MLP. */
    static class MLP extends Module {
        Linear dense0 = new Linear(28, 50);
        Linear dense1 = new Linear(50, 20);

        @Override
        public Tensor forward(Tensor x) {
            return dense1.call(F.relu(dense0.call(x)));
        }
    }

    static void assertSameItems(List<?> expected, List<?> actual) {
        assertEquals(expected.size(), actual.size(), "sizes differ: " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), actual.get(i), "item " + i);
        }
    }
}
