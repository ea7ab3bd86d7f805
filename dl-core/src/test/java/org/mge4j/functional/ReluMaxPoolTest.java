package org.mge4j.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.mge4j.GradCheck.check;
import static org.mge4j.GradCheck.randn64;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;

/**
 * {@code max_pool2d(relu(z))} sends its gradient straight to {@code z}; it must equal, bit for bit, the gradient
 * through relu's own backward, with ties, exact zeros, padding and other readers of the relu output.
 */
class ReluMaxPoolTest {
    /** Values in {-1, 0, 1, 2}: windows full of ties and of zeros after relu. */
    private static Tensor coarse(long... shape) {
        java.util.Random r = new java.util.Random(shape.length * 31L + shape[0]);
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(4) - 1;
        }
        return Tensor.of(v).reshape(shape);
    }

    private static float[] grad(Tensor z, Function<Tensor, Tensor> f) {
        Tensor p = new org.mge4j.Parameter(z.copy());
        GradManager gm = new GradManager().attach(p);
        try (var rec = gm.record()) {
            gm.backward(f.apply(p).mul(Tensor.arange(1, 1 + f.apply(z).size(), 1).reshape(f.apply(z).shape())).sum());
        }
        return p.grad().toFloatArray();
    }

    @Test
    void gradientEqualsTheUnfusedOneBitForBit() {
        Mge.seed(3);
        for (int[] kp : new int[][] {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}, {2, 1, 0}}) {
            Tensor z = coarse(4, 3, 9, 8);
            float[] fused = grad(z, t -> F.maxPool2d(F.relu(t), kp[0], kp[1], kp[2]));
            // relu(t).mul(1) puts another op between relu and the pooling: the ordinary two-step backward
            float[] plain = grad(z, t -> F.maxPool2d(F.relu(t).mul(1.0), kp[0], kp[1], kp[2]));
            assertArrayEquals(plain, fused, "kernel " + kp[0] + " stride " + kp[1] + " padding " + kp[2]);
        }
    }

    @Test
    void otherReadersOfTheReluOutputStillGetTheirGradient() {
        Mge.seed(4);
        Tensor z = coarse(2, 3, 8, 8);
        float[] fused = grad(z, t -> {
            Tensor r = F.relu(t);
            return F.maxPool2d(r, 2).add(r.reshape(2, 3, 4, 2, 4, 2).mean(new int[] {3, 5}, false).mul(0.5));
        });
        float[] plain = grad(z, t -> {
            Tensor r = F.relu(t).mul(1.0);
            return F.maxPool2d(r, 2).add(r.reshape(2, 3, 4, 2, 4, 2).mean(new int[] {3, 5}, false).mul(0.5));
        });
        assertArrayEquals(plain, fused);
    }

    @Test
    void matchesFiniteDifferencesInFloat64() {
        Mge.seed(5);
        check("max_pool2d(relu)", in -> F.maxPool2d(F.relu(in[0]), 2), randn64(2, 2, 6, 6));
        check("max_pool2d(relu) overlapping", in -> F.maxPool2d(F.relu(in[0]), 3, 2, 1), randn64(2, 2, 7, 7));
    }
}
