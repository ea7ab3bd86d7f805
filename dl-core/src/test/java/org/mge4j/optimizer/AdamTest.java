package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mge4j.optimizer.Fixtures.assertClose;
import static org.mge4j.optimizer.Fixtures.grad;
import static org.mge4j.optimizer.Fixtures.initial;
import static org.mge4j.optimizer.Fixtures.param;
import static org.mge4j.optimizer.Fixtures.tensor;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** Adam and AdamW against MegEngine's reference formulas in double precision. */
class AdamTest {
    private static final int STEPS = 3;

    /** MegEngine's Adam (coupled L2) or AdamW (decoupled) reference for one parameter. */
    static double[] reference(double[] p0, double offset, double lr, double b1, double b2, double eps, double wd, boolean decoupled) {
        double[] p = p0.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        for (int k = 0; k < STEPS; k++) {
            double step = k + 1;
            double[] grad = grad(p.length, k, offset);
            for (int i = 0; i < p.length; i++) {
                double g = grad[i];
                if (!decoupled) {
                    g += wd * p[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double delta = (m[i] / (1 - Math.pow(b1, step))) / (Math.pow(v[i] / (1 - Math.pow(b2, step)), 0.5) + eps);
                if (decoupled) {
                    delta += wd * p[i];
                }
                p[i] -= lr * delta;
            }
        }
        return p;
    }

    private static void run(Optimizer opt, Parameter w, Parameter b) {
        for (int k = 0; k < STEPS; k++) {
            w.setGrad(tensor(grad(6, k, 0.0), 2, 3));
            b.setGrad(tensor(grad(3, k, 1.0), 3));
            opt.step().clearGrad();
        }
    }

    @Test
    void adamWithoutWeightDecayMatchesTheReferenceOverThreeSteps() {
        double[] w0 = initial(6, 0.0);
        double[] b0 = initial(3, 1.0);
        Parameter w = param(w0, 2, 3);
        Parameter b = param(b0, 3);
        run(new Adam(List.of(w, b), 0.01), w, b);
        assertClose(reference(w0, 0.0, 0.01, 0.9, 0.999, 1e-8, 0.0, false), w, 1e-6);
        assertClose(reference(b0, 1.0, 0.01, 0.9, 0.999, 1e-8, 0.0, false), b, 1e-6);
    }

    @Test
    void adamWithCoupledWeightDecayMatchesTheReferenceOverThreeSteps() {
        double[] w0 = initial(6, 0.0);
        double[] b0 = initial(3, 1.0);
        Parameter w = param(w0, 2, 3);
        Parameter b = param(b0, 3);
        run(new Adam(List.of(w, b), 0.02, 0.8, 0.99, 1e-6, 0.1), w, b);
        assertClose(reference(w0, 0.0, 0.02, 0.8, 0.99, 1e-6, 0.1, false), w, 1e-6);
        assertClose(reference(b0, 1.0, 0.02, 0.8, 0.99, 1e-6, 0.1, false), b, 1e-6);
    }

    @Test
    void adamWWithDefaultWeightDecayMatchesTheReferenceOverThreeSteps() {
        double[] w0 = initial(6, 0.0);
        double[] b0 = initial(3, 1.0);
        Parameter w = param(w0, 2, 3);
        Parameter b = param(b0, 3);
        AdamW opt = new AdamW(List.of(w, b), 0.01);
        assertEquals(0.01, opt.paramGroups().get(0).getDouble("weight_decay"));
        run(opt, w, b);
        assertClose(reference(w0, 0.0, 0.01, 0.9, 0.999, 1e-8, 0.01, true), w, 1e-6);
        assertClose(reference(b0, 1.0, 0.01, 0.9, 0.999, 1e-8, 0.01, true), b, 1e-6);
    }

    @Test
    void adamWWithLargeWeightDecayDiffersFromAdamAsTheDecoupledFormulaSays() {
        double[] w0 = initial(6, 0.0);
        double[] b0 = initial(3, 1.0);
        Parameter w = param(w0, 2, 3);
        Parameter b = param(b0, 3);
        run(new AdamW(List.of(w, b), 0.05, 0.9, 0.999, 1e-8, 0.5), w, b);
        assertClose(reference(w0, 0.0, 0.05, 0.9, 0.999, 1e-8, 0.5, true), w, 1e-6);
        double[] coupled = reference(w0, 0.0, 0.05, 0.9, 0.999, 1e-8, 0.5, false);
        assertEquals(true, Math.abs(coupled[0] - w.toFloatArray()[0]) > 1e-3, "AdamW must not equal coupled Adam");
    }

    @Test
    void adamGroupsListLrWeightDecayBetasEpsAndStateHasStepAsAZeroDFloat32() {
        Parameter w = param(initial(6, 0.0), 2, 3);
        Adam opt = new Adam(List.of(w), 0.01);
        w.setGrad(Tensor.ones(2, 3));
        opt.step().step();
        Map<String, Object> sd = opt.stateDict();
        @SuppressWarnings("unchecked")
        Map<String, Object> group = ((List<Map<String, Object>>) sd.get("param_groups")).get(0);
        assertEquals(List.of("lr", "weight_decay", "betas", "eps", "params"), List.copyOf(group.keySet()));
        assertEquals(List.of(0.9, 0.999), group.get("betas"));
        assertEquals(1e-8, group.get("eps"));
        @SuppressWarnings("unchecked")
        Map<String, Tensor> st = ((Map<Integer, Map<String, Tensor>>) sd.get("state")).get(0);
        assertEquals(List.of("exp_avg", "exp_avg_sq", "step"), List.copyOf(st.keySet()));
        Tensor step = st.get("step");
        assertEquals(0, step.ndim());
        assertEquals(DType.FLOAT32, step.dtype());
        assertEquals(2.0, step.itemDouble());
        assertArrayEquals(new long[] {2, 3}, st.get("exp_avg").shape());
        // m after two steps of gradient 1: 0.1 + 0.9*0.1 = 0.19
        assertEquals(0.19, st.get("exp_avg").toFloatArray()[0], 1e-6);
    }

    @Test
    void invalidAdamHyperparametersAreRefusedWithMegEnginesMessages() {
        List<Parameter> ps = List.of(param(initial(2, 0), 2));
        assertEquals("Invalid learning rate: -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Adam(ps, -0.1)).getMessage());
        assertEquals("Invalid beta parameter at index 0: 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0)).getMessage());
        assertEquals("Invalid beta parameter at index 1: -0.5",
                assertThrows(IllegalArgumentException.class, () -> new AdamW(ps, 0.1, 0.9, -0.5, 1e-8, 0)).getMessage());
        assertEquals("Invalid weight_decay value: -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, -1)).getMessage());
    }
}
