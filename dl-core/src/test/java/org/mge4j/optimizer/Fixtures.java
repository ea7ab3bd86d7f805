package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** Deterministic parameters and gradients for optimizer tests, and double-precision comparison. */
final class Fixtures {
    private Fixtures() {
    }

    /** Initial values of a parameter with {@code n} elements, rounded to float32 as the parameter holds them. */
    static double[] initial(int n, double offset) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.8 * Math.cos(i + offset));
        }
        return v;
    }

    /** The gradient of step {@code k} (0-based) for a parameter with {@code n} elements, float32-rounded. */
    static double[] grad(int n, int k, double offset) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) (0.5 * (k + 1) * Math.sin(1.3 * i + 0.7 * k + offset));
        }
        return g;
    }

    static Parameter param(double[] values, long... shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new Parameter(Tensor.of(f, shape));
    }

    static Tensor tensor(double[] values, long... shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Tensor.of(f, shape);
    }

    static void assertClose(double[] expected, Tensor actual, double tol) {
        float[] a = actual.toFloatArray();
        assertEquals(expected.length, a.length, "element count");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol, "element " + i);
        }
    }
}
