package org.mge4j.functional;

import static org.mge4j.GradCheck.check;
import static org.mge4j.GradCheck.randn64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;

/** Finite-difference gradient checks (float64) of the layer ops: convolution, pooling, normalisation, dropout, linear. */
class LayerOpsGradientTest {
    @BeforeEach
    void seed() {
        Mge.seed(7);
    }

    @Test
    void conv2dGradientsMatchFiniteDifferences() {
        check("conv2d", in -> F.conv2d(in[0], in[1], in[2]), randn64(2, 3, 6, 5), randn64(4, 3, 3, 2), randn64(1, 4, 1, 1));
    }

    @Test
    void conv2dWithStridePaddingDilationMatchesFiniteDifferences() {
        check("conv2d strided", in -> F.conv2d(in[0], in[1], in[2], new int[] {2, 1}, new int[] {1, 2}, new int[] {2, 1}, 1),
                randn64(2, 2, 7, 6), randn64(3, 2, 3, 3), randn64(1, 3, 1, 1));
    }

    @Test
    void dilatedConv2dInFloat32EqualsTheZeroStuffedKernelForwardAndBackward() {
        // float32 goes through libnd4j's oneDNN helper, which refuses dilation; a dilated 3x3 kernel is a 5x5 one
        // with zeros between its taps, so that convolution is the reference, and its weight gradient at the taps
        Tensor x = Tensor.randn(2, 2, 11, 10);
        Tensor w = Tensor.randn(3, 2, 3, 3);
        Tensor b = Tensor.randn(1, 3, 1, 1);
        float[] taps = w.toFloatArray();
        float[] stuffed = new float[3 * 2 * 25];
        for (int o = 0; o < 3 * 2; o++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    stuffed[o * 25 + 2 * ky * 5 + 2 * kx] = taps[o * 9 + ky * 3 + kx];
                }
            }
        }
        Tensor w5 = Tensor.of(stuffed, 3, 2, 5, 5);
        Tensor x2 = x.copy();
        GradManager gm = new GradManager().attach(x, w, x2, w5);
        try (GradManager.Scope scope = gm.record()) {
            Tensor y = F.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}, new int[] {2, 2}, 1);
            Tensor ref = F.conv2d(x2, w5, b, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
            assertArrayEquals(ref.toFloatArray(), y.toFloatArray(), 1e-4f);
            gm.backward(y.mul(y).sum().add(ref.mul(ref).sum()));
        }
        assertArrayEquals(x2.grad().toFloatArray(), x.grad().toFloatArray(), 1e-3f);
        float[] g5 = w5.grad().toFloatArray();
        float[] g = w.grad().toFloatArray();
        for (int o = 0; o < 3 * 2; o++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    float want = g5[o * 25 + 2 * ky * 5 + 2 * kx];
                    assertEquals(want, g[o * 9 + ky * 3 + kx], 1e-3f * (1 + Math.abs(want)));
                }
            }
        }
    }

    @Test
    void conv2dWithoutBiasMatchesFiniteDifferences() {
        check("conv2d no bias", in -> F.conv2d(in[0], in[1], null, 2, 1), randn64(1, 2, 5, 5), randn64(2, 2, 3, 3));
    }

    @Test
    void conv2dWeightGradientWithoutInputGradientMatchesFiniteDifferences() {
        Tensor x = randn64(3, 2, 7, 6);
        check("conv2d dW only", in -> F.conv2d(x, in[0], in[1], new int[] {2, 2}, new int[] {1, 0}, new int[] {1, 2}, 1),
                randn64(4, 2, 3, 2), randn64(1, 4, 1, 1));
        Tensor x1 = randn64(3, 1, 6, 6);
        check("conv2d dW only, one channel", in -> F.conv2d(x1, in[0], in[1], 1, 0), randn64(2, 1, 3, 3), randn64(1, 2, 1, 1));
    }

    @Test
    void groupedConv2dWithFiveDimensionalWeightMatchesFiniteDifferences() {
        check("conv2d groups", in -> F.conv2d(in[0], in[1], in[2], 1, 1, 1, 2), randn64(2, 4, 5, 5), randn64(2, 3, 2, 3, 3),
                randn64(1, 6, 1, 1));
    }

    @Test
    void maxPool2dGradientMatchesFiniteDifferences() {
        check("max_pool2d", in -> F.maxPool2d(in[0], 2), randn64(2, 3, 4, 6));
        check("max_pool2d padded", in -> F.maxPool2d(in[0], 3, 2, 1), randn64(1, 2, 5, 5));
    }

    @Test
    void avgPool2dGradientMatchesFiniteDifferencesInBothModes() {
        check("avg_pool2d", in -> F.avgPool2d(in[0], 2), randn64(2, 3, 4, 6));
        check("avg_pool2d exclude padding", in -> F.avgPool2d(in[0], 3, 2, 1), randn64(1, 2, 5, 5));
        check("avg_pool2d include padding", in -> F.avgPool2d(in[0], 3, 2, 1, "average"), randn64(1, 2, 5, 5));
    }

    @Test
    void batchNormTrainingGradientMatchesFiniteDifferences() {
        check("batch_norm train 4-D", in -> F.batchNorm(in[0], null, null, in[1], in[2], true),
                randn64(3, 2, 2, 3), randn64(1, 2, 1, 1), randn64(1, 2, 1, 1));
        check("batch_norm train 2-D", in -> F.batchNorm(in[0], null, null, in[1], in[2], true),
                randn64(5, 3), randn64(1, 3), randn64(1, 3));
        check("batch_norm train 3-D", in -> F.batchNorm(in[0], null, null, in[1], in[2], true),
                randn64(2, 3, 4), randn64(1, 3, 1), randn64(1, 3, 1));
    }

    @Test
    void batchNormEvalGradientMatchesFiniteDifferences() {
        Tensor rm = randn64(1, 2, 1, 1);
        Tensor rv = randn64(1, 2, 1, 1).abs().add(0.5);
        check("batch_norm eval", in -> F.batchNorm(in[0], rm, rv, in[1], in[2], false),
                randn64(3, 2, 2, 3), randn64(1, 2, 1, 1), randn64(1, 2, 1, 1));
    }

    @Test
    void dropoutWithAFixedMaskMatchesFiniteDifferences() {
        check("dropout", in -> {
            Mge.seed(3);
            return F.dropout(in[0], 0.4);
        }, randn64(4, 5));
    }

    @Test
    void linearGradientMatchesFiniteDifferences() {
        check("linear 2-D", in -> F.linear(in[0], in[1], in[2]), randn64(3, 4), randn64(5, 4), randn64(5));
        check("linear 3-D", in -> F.linear(in[0], in[1], in[2]), randn64(2, 3, 4), randn64(5, 4), randn64(5));
        check("linear 1-D, no bias", in -> F.linear(in[0], in[1]), randn64(4), randn64(5, 4));
    }
}
