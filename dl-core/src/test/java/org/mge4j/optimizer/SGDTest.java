package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mge4j.optimizer.Fixtures.assertClose;
import static org.mge4j.optimizer.Fixtures.grad;
import static org.mge4j.optimizer.Fixtures.initial;
import static org.mge4j.optimizer.Fixtures.param;
import static org.mge4j.optimizer.Fixtures.tensor;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;

/** SGD's updates against the formulas of MegEngine's test_optimizer.py, written out in double precision. */
class SGDTest {
    private static final int STEPS = 3;

    /** MegEngine's SGD reference for one parameter over {@code STEPS} steps. */
    static double[] reference(double[] p0, double offset, double lr, double momentum, double wd, boolean nesterov) {
        double[] p = p0.clone();
        double[] v = new double[p.length];
        for (int k = 0; k < STEPS; k++) {
            double[] grad = grad(p.length, k, offset);
            for (int i = 0; i < p.length; i++) {
                double g = grad[i];
                if (wd != 0) {
                    g += wd * p[i];
                }
                if (momentum != 0) {
                    v[i] = momentum * v[i] + g;
                    g = nesterov ? g + momentum * v[i] : v[i];
                }
                p[i] -= lr * g;
            }
        }
        return p;
    }

    private static void runAndCompare(double lr, double momentum, double wd, boolean nesterov) {
        double[] w0 = initial(6, 0.0);
        double[] b0 = initial(3, 1.0);
        Parameter w = param(w0, 2, 3);
        Parameter b = param(b0, 3);
        SGD opt = new SGD(List.of(w, b), lr, momentum, wd, nesterov);
        for (int k = 0; k < STEPS; k++) {
            w.setGrad(tensor(grad(6, k, 0.0), 2, 3));
            b.setGrad(tensor(grad(3, k, 1.0), 3));
            opt.step().clearGrad();
        }
        assertClose(reference(w0, 0.0, lr, momentum, wd, nesterov), w, 1e-6);
        assertClose(reference(b0, 1.0, lr, momentum, wd, nesterov), b, 1e-6);
    }

    @Test
    void plainSgdMatchesTheReferenceOverThreeSteps() {
        runAndCompare(0.01, 0.0, 0.0, false);
    }

    @Test
    void sgdWithMomentumMatchesTheReferenceOverThreeSteps() {
        runAndCompare(0.01, 0.9, 0.0, false);
    }

    @Test
    void nesterovSgdMatchesTheReferenceOverThreeSteps() {
        runAndCompare(0.01, 0.9, 0.0, true);
    }

    @Test
    void sgdWithWeightDecayMatchesTheReferenceOverThreeSteps() {
        runAndCompare(0.01, 0.9, 0.1, false);
        runAndCompare(0.02, 0.0, 0.05, false);
    }

    @Test
    void theTutorialConstructorTakesLrThenMomentum() {
        Parameter w = param(initial(4, 0), 4);
        SGD opt = new SGD(List.of(w), 0.001, 0.1);
        ParamGroup g = opt.paramGroups().get(0);
        assertEquals(0.001, g.getDouble("lr"));
        assertEquals(0.1, g.getDouble("momentum"));
        assertEquals(0.0, g.getDouble("weight_decay"));
        assertEquals(List.of("params", "lr", "momentum", "weight_decay"), List.copyOf(g.keys()));
    }

    @Test
    void changingAGroupLrMidRunTakesEffectAtTheNextStep() {
        double[] a0 = initial(3, 0.0);
        double[] c0 = initial(2, 2.0);
        Parameter a = param(a0, 3);
        Parameter c = param(c0, 2);
        SGD opt = new SGD(List.of(ParamGroup.of(a).with("lr", 0.1), ParamGroup.of(c)), 0.01, 0.5);
        double[] lrsA = {0.1, 0.3, 0.3};
        double[] lrsC = {0.01, 0.01, 0.002};
        double[] pa = a0.clone();
        double[] pc = c0.clone();
        double[] va = new double[3];
        double[] vc = new double[2];
        for (int k = 0; k < STEPS; k++) {
            opt.paramGroups().get(0).set("lr", lrsA[k]);
            opt.paramGroups().get(1).set("lr", lrsC[k]);
            a.setGrad(tensor(grad(3, k, 0.0), 3));
            c.setGrad(tensor(grad(2, k, 2.0), 2));
            opt.step().clearGrad();
            double[] ga = grad(3, k, 0.0);
            for (int i = 0; i < 3; i++) {
                va[i] = 0.5 * va[i] + ga[i];
                pa[i] -= lrsA[k] * va[i];
            }
            double[] gc = grad(2, k, 2.0);
            for (int i = 0; i < 2; i++) {
                vc[i] = 0.5 * vc[i] + gc[i];
                pc[i] -= lrsC[k] * vc[i];
            }
        }
        assertClose(pa, a, 1e-6);
        assertClose(pc, c, 1e-6);
    }

    @Test
    void stepDoesNotModifyTheGradientAndKeepsTheParameterObject() {
        Parameter w = param(initial(6, 0), 2, 3);
        Tensor before = w.detach();
        float[] beforeValues = before.toFloatArray();
        Tensor g = tensor(grad(6, 0, 0), 2, 3);
        w.setGrad(g);
        float[] gradValues = g.toFloatArray();
        SGD opt = new SGD(List.of(w), 0.1, 0.9, 0.01, true);
        assertSame(opt, opt.step());
        assertSame(g, w.grad());
        assertArrayEquals(gradValues, w.grad().toFloatArray());
        // the update replaced the data, so an earlier view (like a saved state dict) is unchanged
        assertArrayEquals(beforeValues, before.toFloatArray());
        assertEquals(beforeValues[0] - 0.1f * (gradValues[0] + 0.01f * beforeValues[0]) * 1.9f, w.toFloatArray()[0], 1e-6);
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Parameter w = param(initial(3, 0), 3);
        Parameter b = param(initial(2, 1), 2);
        SGD opt = new SGD(List.of(w, b), 0.1, 0.9);
        float[] b0 = b.toFloatArray();
        w.setGrad(Tensor.ones(3));
        opt.step();
        assertArrayEquals(b0, b.toFloatArray());
        assertClose(new double[] {initial(3, 0)[0] - 0.1, initial(3, 0)[1] - 0.1, initial(3, 0)[2] - 0.1}, w, 1e-6);
    }

    @Test
    void clearGradSetsEveryGradientToNull() {
        Parameter w = param(initial(3, 0), 3);
        w.setGrad(Tensor.ones(3));
        SGD opt = new SGD(List.of(w), 0.1);
        opt.step().clearGrad();
        assertNull(w.grad());
    }

    @Test
    @SuppressWarnings("deprecation")
    void zeroGradFillsExistingGradientsWithZeros() {
        Parameter w = param(initial(3, 0), 3);
        w.setGrad(Tensor.ones(3));
        new SGD(List.of(w), 0.1).zeroGrad();
        assertArrayEquals(new float[3], w.grad().toFloatArray());
    }

    @Test
    void aTrainingStepWithGradManagerUpdatesTheParameterInPlace() {
        Parameter w = new Parameter(Tensor.of(new double[] {1, 2, 3}));
        Tensor x = Tensor.of(new double[] {0.5, -1, 2});
        SGD opt = new SGD(List.of(w), 0.1);
        GradManager gm = new GradManager().attach(List.of(w));
        try (var rec = gm.record()) {
            gm.backward(w.mul(x).sum());
            assertSame(opt, opt.step());
            opt.clearGrad();
        }
        assertArrayEquals(new float[] {0.95f, 2.1f, 2.8f}, w.toFloatArray(), 1e-6f);
        assertNull(w.grad());
    }

    @Test
    void invalidHyperparametersAreRefusedWithMegEnginesMessages() {
        List<Parameter> ps = List.of(param(initial(2, 0), 2));
        assertEquals("Invalid learning rate: -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SGD(ps, -1.0)).getMessage());
        assertEquals("Invalid momentum value: -0.5",
                assertThrows(IllegalArgumentException.class, () -> new SGD(ps, 0.1, -0.5)).getMessage());
        assertEquals("Invalid weight_decay value: -0.1",
                assertThrows(IllegalArgumentException.class, () -> new SGD(ps, 0.1, 0.9, -0.1)).getMessage());
        assertEquals("Nesterov momentum requires a momentum",
                assertThrows(IllegalArgumentException.class, () -> new SGD(ps, 0.1, 0.0, 0.0, true)).getMessage());
    }

    @Test
    void raisingMomentumAfterConstructionCreatesTheBufferInsteadOfFailing() {
        Parameter w = param(initial(2, 0), 2);
        SGD opt = new SGD(List.of(w), 0.1);
        opt.paramGroups().get(0).set("momentum", 0.9);
        w.setGrad(Tensor.ones(2));
        opt.step();
        opt.step();
        double[] w0 = initial(2, 0);
        assertClose(new double[] {w0[0] - 0.1 - 0.1 * 1.9, w0[1] - 0.1 - 0.1 * 1.9}, w, 1e-6);
    }
}
