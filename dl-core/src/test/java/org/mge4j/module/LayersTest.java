package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.training.ConvNet;

/** Built-in layers: MegEngine's shapes, initialisation and forward semantics. */
class LayersTest {

    private static double std(Tensor t) {
        double[] v = t.toDoubleArray();
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= v.length;
        double var = 0;
        for (double d : v) {
            var += (d - mean) * (d - mean);
        }
        return Math.sqrt(var / v.length);
    }

    @Test
    void linearHasMegEngineShapesAndInitialisation() {
        Mge.seed(1);
        Linear l = new Linear(320, 50);
        assertArrayEquals(new long[] {50, 320}, l.weight.shape());
        assertArrayEquals(new long[] {50}, l.bias.shape());
        assertEquals(Math.sqrt(1.0 / 320), std(l.weight), 0.1 * Math.sqrt(1.0 / 320));
        assertArrayEquals(new float[50], l.bias.toFloatArray());
        assertTrue(l.weight instanceof Parameter);
    }

    @Test
    void conv2dHasMegEngineShapesAndFanInInitialisation() {
        Mge.seed(2);
        Conv2d c = new Conv2d(10, 20, 5);
        assertArrayEquals(new long[] {20, 10, 5, 5}, c.weight.shape());
        assertArrayEquals(new long[] {1, 20, 1, 1}, c.bias.shape());
        assertEquals(Math.sqrt(1.0 / 250), std(c.weight), 0.1 * Math.sqrt(1.0 / 250));
        assertArrayEquals(new float[20], c.bias.toFloatArray());
        Conv2d g = new Conv2d(4, 6, 3, Conv2d.options().groups(2));
        assertArrayEquals(new long[] {2, 3, 2, 3, 3}, g.weight.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 6, 3, Conv2d.options().groups(2)));
        assertEquals("in_channels must be divisible by groups, got in_channels=3, groups=2", e.getMessage());
    }

    @Test
    void conv2dForwardHasMegEngineOutputShape() {
        Conv2d c = new Conv2d(3, 4, 3, Conv2d.options().stride(2).padding(1));
        assertArrayEquals(new long[] {2, 4, 4, 4}, c.call(Tensor.randn(2, 3, 8, 8)).shape());
        Conv2d plain = new Conv2d(1, 1, 2, Conv2d.options().bias(false));
        plain.weight.reset(Tensor.ones(1, 1, 2, 2).nd());
        Tensor x = Tensor.arange(0, 9, 1).reshape(1, 1, 3, 3);
        assertArrayEquals(new float[] {8, 12, 20, 24}, plain.call(x).toFloatArray());
    }

    @Test
    void theTutorialConvNetMapsImagesToTenScores() {
        ConvNet net = new ConvNet();
        assertArrayEquals(new long[] {4, 10}, net.call(Tensor.randn(4, 1, 28, 28)).shape());
        assertEquals(8, net.parameters().size());
    }

    @Test
    void maxPoolMatchesMegEngineDocExample() {
        MaxPool2d m = new MaxPool2d(3, 1, 0);
        Tensor x = Tensor.arange(0, 16, 1).reshape(1, 1, 4, 4);
        assertArrayEquals(new float[] {10, 11, 14, 15}, m.call(x).toFloatArray());
        assertArrayEquals(new int[] {3, 3}, new MaxPool2d(3).stride());
    }

    @Test
    void avgPoolMatchesMegEngineDocExample() {
        AvgPool2d m = new AvgPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 0}, "average");
        Tensor x = Tensor.arange(0, 12, 1).reshape(1, 1, 3, 4);
        assertArrayEquals(new float[] {0.25f, 1.25f, 6.5f, 8.5f}, m.call(x).toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(2, 2, 0, "mean"));
    }

    @Test
    void batchNormHasMegEngineTensorsAndKinds() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertArrayEquals(new long[] {1, 3, 1, 1}, bn.weight.shape());
        assertArrayEquals(new long[] {1, 3, 1, 1}, bn.runningMean.shape());
        assertTrue(bn.weight instanceof Parameter && bn.bias instanceof Parameter);
        assertTrue(!(bn.runningMean instanceof Parameter) && !(bn.runningVar instanceof Parameter));
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar.toFloatArray());
        BatchNorm2d bare = new BatchNorm2d(3, 1e-5, 0.9, false, false, false);
        assertEquals(0, bare.stateDict().size());
    }

    @Test
    void batchNormTrainingUpdatesRunningStatsWithMomentumAndUnbiasedVariance() {
        BatchNorm2d bn = new BatchNorm2d(1);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 6}).reshape(2, 1, 1, 2);
        Tensor y = bn.call(x);
        // batch mean 3, biased var 3.5, unbiased var 14/3
        assertArrayEquals(new float[] {0.3f}, bn.runningMean.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.1f * 14f / 3f}, bn.runningVar.toFloatArray(), 1e-5f);
        float s = (float) Math.sqrt(3.5 + 1e-5);
        assertArrayEquals(new float[] {-2 / s, -1 / s, 0, 3 / s}, y.toFloatArray(), 1e-5f);
        bn.eval();
        Tensor z = bn.call(x);
        float rv = (float) Math.sqrt(0.9 + 0.1 * 14 / 3.0 + 1e-5);
        assertArrayEquals(new float[] {0.7f / rv, 1.7f / rv, 2.7f / rv, 5.7f / rv}, z.toFloatArray(), 1e-5f);
    }

    @Test
    void batchNorm1dTakesTwoAndThreeDimensionalInputs() {
        BatchNorm1d bn = new BatchNorm1d(3);
        assertArrayEquals(new long[] {1, 3, 1, 1}, bn.weight.shape());
        assertArrayEquals(new long[] {5, 3}, bn.call(Tensor.randn(5, 3)).shape());
        assertArrayEquals(new long[] {5, 3, 7}, bn.call(Tensor.randn(5, 3, 7)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.call(Tensor.randn(5, 3, 2, 2)));
        assertEquals("expected 2D or 3D input (got 4D input)", e.getMessage());
    }

    @Test
    void dropoutIsTheIdentityInEvalAndScalesSurvivorsInTraining() {
        Dropout d = new Dropout(0.5);
        Tensor x = Tensor.ones(1000);
        float[] out = d.call(x).toFloatArray();
        int zeros = 0;
        for (float v : out) {
            assertTrue(v == 0f || v == 2f, "value " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
        d.eval();
        assertSame(x, d.call(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    }

    @Test
    void activationsApplyTheirFunctions() {
        Tensor x = Tensor.of(new float[] {-2, 0, 3});
        assertArrayEquals(new float[] {0, 0, 3}, new ReLU().call(x).toFloatArray());
        assertArrayEquals(new float[] {-0.02f, 0, 3}, new LeakyReLU().call(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {-0.4f, 0, 3}, new LeakyReLU(0.2).call(x).toFloatArray(), 1e-6f);
        assertEquals(0.5f, new Sigmoid().call(x).toFloatArray()[1], 1e-6f);
        assertEquals((float) Math.tanh(3), new Tanh().call(x).toFloatArray()[2], 1e-6f);
        float[] p = new Softmax().call(x).toFloatArray();
        assertEquals(1f, p[0] + p[1] + p[2], 1e-6f);
        Tensor rows = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new Softmax(0).call(rows.sub(rows)).toFloatArray(),
                1e-6f);
        assertSame(x, new Identity().call(x));
        assertArrayEquals(new long[] {2, 12}, new Flatten().call(Tensor.zeros(2, 3, 4)).shape());
    }

    @Test
    void gradientsReachEveryParameterOfTheTutorialConvNet() {
        ConvNet net = new ConvNet();
        GradManager gm = new GradManager().attach(net.parameters());
        try (var rec = gm.record()) {
            gm.backward(net.call(Tensor.randn(2, 1, 28, 28)).sum());
        }
        net.namedParameters().forEach((k, p) -> {
            assertTrue(p.grad() != null, "no grad for " + k);
            assertArrayEquals(p.shape(), p.grad().shape(), k);
        });
    }

    @Test
    void batchNormParametersGetGradientsThroughTheModule() {
        BatchNorm2d bn = new BatchNorm2d(2);
        GradManager gm = new GradManager().attach(bn.parameters());
        Tensor x = Tensor.randn(3, 2, 2, 2);
        try (var rec = gm.record()) {
            gm.backward(bn.call(x).sum());
        }
        assertArrayEquals(new long[] {1, 2, 1, 1}, bn.weight.grad().shape());
        assertArrayEquals(new float[] {3 * 4, 3 * 4}, bn.bias.grad().toFloatArray(), 1e-4f);
    }

    @Test
    void sequentialRunsItsLayersInOrder() {
        Sequential s = new Sequential(new Flatten(), new Linear(12, 5), new ReLU(), new Linear(5, 2));
        assertArrayEquals(new long[] {3, 2}, s.call(Tensor.randn(3, 3, 4)).shape());
        assertEquals(4, s.size());
        assertTrue(s.get(1) instanceof Linear);
        assertEquals(4, s.parameters().size());
    }
}
