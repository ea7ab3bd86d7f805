package org.mge4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.function.Function;
import org.mge4j.autodiff.GradManager;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finite-difference gradient checks in float64: the analytic gradient of {@code sum(f(inputs) * w)} for a fixed
 * random {@code w} against central differences, relative error below 1e-4 for every element of every input.
 */
public final class GradCheck {
    private static final double EPS = 1e-6;
    private static final double TOLERANCE = 1e-4;

    private GradCheck() {
    }

    /** Checks the gradient of {@code f} with respect to every input (all must be float64). */
    public static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor in : inputs) {
            if (in.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("grad checks run in float64, got " + in.dtype());
            }
        }
        Tensor probe = f.apply(inputs);
        Tensor weight = Tensor.randn(probe.shape()).astype(DType.FLOAT64);
        GradManager gm = new GradManager().attach(inputs);
        for (Tensor in : inputs) {
            in.setGrad(null);
        }
        try (var rec = gm.record()) {
            Tensor loss = f.apply(inputs).mul(weight).sum();
            gm.backward(loss);
        }
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            assertNotNull(in.grad(), what + ": input " + k + " got no gradient");
            INDArray analytic = in.grad().nd().castTo(DataType.DOUBLE).dup('c').reshape(in.size());
            INDArray data = in.nd();
            INDArray flat = data.dup('c').reshape(data.length());
            for (long i = 0; i < in.size(); i++) {
                double orig = flat.getDouble(i);
                flat.putScalar(i, orig + EPS);
                in.reset(flat.reshape('c', data.shape()).dup('c'));
                double plus = f.apply(inputs).mul(weight).sum().itemDouble();
                flat.putScalar(i, orig - EPS);
                in.reset(flat.reshape('c', data.shape()).dup('c'));
                double minus = f.apply(inputs).mul(weight).sum().itemDouble();
                flat.putScalar(i, orig);
                in.reset(data);
                double numeric = (plus - minus) / (2 * EPS);
                double a = analytic.getDouble(i);
                double err = Math.abs(a - numeric) / Math.max(1e-8, Math.max(Math.abs(a), Math.abs(numeric)));
                assertTrue(err < TOLERANCE || Math.abs(a - numeric) < 1e-7,
                        what + ": input " + k + " element " + i + " analytic " + a + " vs numeric " + numeric
                                + " (relative error " + err + ")");
            }
        }
    }

    /** A float64 tensor of standard normal values. */
    public static Tensor randn64(long... shape) {
        return Tensor.randn(shape).astype(DType.FLOAT64);
    }
}
