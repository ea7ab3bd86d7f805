package org.mge4j.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** Forward values of the functional ops against numbers computed by hand, and their error messages. */
class ForwardValuesTest {
    private static final double TOL = 1e-5;

    @Test
    void smallConvolutionEqualsTheHandComputedCrossCorrelation() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = Tensor.of(new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
        Tensor b = Tensor.of(new float[] {10}, 1, 1, 1, 1);
        // each output = x[i][j] - x[i+1][j+1] + 10 = -4 + 10
        assertArrayEquals(new float[] {6, 6, 6, 6}, F.conv2d(x, w, b).toFloatArray(), 1e-6f);
        assertArrayEquals(new long[] {1, 1, 2, 2}, F.conv2d(x, w, b).shape());
        // padding 1, stride 2: windows start at (-1,-1), (-1,1), (1,-1), (1,1); out-of-range cells are zeros
        Tensor p = F.conv2d(x, w, null, 2, 1);
        assertArrayEquals(new float[] {-1, -3, -7, 5 - 9}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void groupedConvolutionConvolvesEachGroupSeparately() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        Tensor w = Tensor.of(new float[] {1, 1, 1, 1, 2, 0, 0, 0}, 2, 1, 1, 2, 2);
        Tensor y = F.conv2d(x, w, null, 1, 0, 1, 2);
        assertArrayEquals(new long[] {1, 2, 1, 1}, y.shape());
        assertArrayEquals(new float[] {10, 20}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void maxPoolIgnoresPaddedCells() {
        Tensor x = Tensor.of(new float[] {-1, -2, -3, -4}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {-1, -2, -3, -4}, F.maxPool2d(x, 2, 1, 1).index("0, 0, ::2, ::2").toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {-1}, F.maxPool2d(x, 2).toFloatArray(), 1e-6f);
    }

    @Test
    void avgPoolExcludesPaddingByDefaultAndCountsItInAverageMode() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        // kernel 2, stride 2, padding 1: windows hold one real cell each
        assertArrayEquals(new float[] {1, 2, 3, 4}, F.avgPool2d(x, 2, 2, 1).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1}, F.avgPool2d(x, 2, 2, 1, "average").toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {2.5f}, F.avgPool2d(x, 2).toFloatArray(), 1e-6f);
    }

    @Test
    void crossEntropyOfKnownLogitsIsLogSumExpMinusTheLabelLogit() {
        Tensor logits = Tensor.of(new float[][] {{1, 2, 3}, {1, 1, 1}});
        Tensor label = Tensor.of(new int[] {2, 0});
        double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double l0 = lse0 - 3;
        double l1 = Math.log(3);
        assertEquals((l0 + l1) / 2, F.crossEntropy(logits, label).itemDouble(), TOL);
        assertArrayEquals(new float[] {(float) l0, (float) l1},
                F.crossEntropy(logits, label, 1, true, 0, "none").toFloatArray(), 1e-5f);
        assertEquals(l0 + l1, F.crossEntropy(logits, label, 1, true, 0, "sum").itemDouble(), TOL);
    }

    @Test
    void labelSmoothingMixesTheMeanLogitIn() {
        Tensor logits = Tensor.of(new float[][] {{1, 2, 3}});
        Tensor label = Tensor.of(new int[] {0});
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double expected = lse - 0.1 * 2 - 0.9 * 1;
        assertEquals(expected, F.crossEntropy(logits, label, 1, true, 0.1, "mean").itemDouble(), TOL);
    }

    @Test
    void crossEntropyOfProbabilitiesIsTheNegativeLogOfTheLabelProbability() {
        Tensor probs = Tensor.of(new float[][] {{0.2f, 0.8f}, {0.6f, 0.4f}});
        Tensor label = Tensor.of(new int[] {1, 1});
        assertEquals(-(Math.log(0.8) + Math.log(0.4)) / 2, F.crossEntropy(probs, label, 1, false, 0, "mean").itemDouble(), TOL);
    }

    @Test
    void crossEntropyRefusesWrongRanksReductionsAndLabels() {
        Tensor logits = Tensor.zeros(2, 3);
        var rank = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(logits, Tensor.zeros(DType.INT32, 2, 1)));
        assertEquals("target ndim must be one less than input ndim; input_ndim=2 target_ndim=2", rank.getMessage());
        var red = assertThrows(IllegalArgumentException.class,
                () -> F.crossEntropy(logits, Tensor.of(new int[] {0, 1}), 1, true, 0, "avg"));
        assertTrue(red.getMessage().startsWith("avg reduction is not supported"), red.getMessage());
        var lab = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(logits, Tensor.of(new int[] {0, 3})));
        assertTrue(lab.getMessage().contains("[0, 3)"), lab.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.squareLoss(logits, logits, "max"));
    }

    @Test
    void softmaxUsesMegEnginesDefaultAxis() {
        Tensor v = Tensor.of(new float[] {1, 2, 3});
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new float[] {(float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z)},
                F.softmax(v).toFloatArray(), 1e-6f);
        Tensor m = Tensor.of(new float[][] {{0, 0}, {5, 1}});
        assertArrayEquals(new float[] {0.5f, 0.5f}, F.softmax(m).index("0").toFloatArray(), 1e-6f);
        // 3-D: axis 0
        Tensor t = Tensor.of(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, 2, 2, 2);
        float e = (float) (1 / (1 + Math.E));
        assertArrayEquals(new float[] {e, e, e, e}, F.softmax(t).index("0").toFloatArray(), 1e-6f);
        // 4-D: axis 1
        Tensor q = Tensor.of(new float[] {0, 0, 1, 1}, 1, 2, 1, 2);
        assertArrayEquals(new float[] {e, e}, F.softmax(q).index("0, 0, 0").toFloatArray(), 1e-6f);
    }

    @Test
    void logsumexpIsStableForLargeValues() {
        Tensor x = Tensor.of(new float[][] {{1000, 1000}});
        assertEquals(1000 + Math.log(2), F.logsumexp(x, 1).itemDouble(), 1e-3);
        assertArrayEquals(new float[] {(float) -Math.log(2), (float) -Math.log(2)}, F.logSoftmax(x, 1).toFloatArray(), 1e-5f);
    }

    @Test
    void batchNormTrainingUpdatesRunningStatsWithMomentumAndUnbiasedVariance() {
        // channel 0 values 1,2,3,4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1 values 0,0,2,2 (mean 1, var 1, unbiased 4/3)
        Tensor x = Tensor.of(new float[] {1, 2, 0, 0, 3, 4, 2, 2}, 2, 2, 1, 2);
        Tensor rm = Tensor.zeros(1, 2, 1, 1);
        Tensor rv = Tensor.ones(1, 2, 1, 1);
        var rmData = rm.nd();
        Tensor y = F.batchNorm(x, rm, rv, null, null, true);
        assertArrayEquals(new float[] {0.25f, 0.1f}, rm.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (0.9 + 0.1 * 5 / 3.0), (float) (0.9 + 0.1 * 4 / 3.0)}, rv.toFloatArray(), 1e-6f);
        assertSame(rmData, rm.nd());
        double s0 = Math.sqrt(1.25 + 1e-5);
        assertEquals((1 - 2.5) / s0, y.index("0, 0, 0, 0").itemDouble(), 1e-5);
        assertEquals((0 - 1) / Math.sqrt(1 + 1e-5), y.index("0, 1, 0, 0").itemDouble(), 1e-5);
    }

    @Test
    void batchNormEvalUsesRunningStatsWeightAndBias() {
        Tensor x = Tensor.of(new float[][] {{3, 0}});
        Tensor rm = Tensor.of(new float[] {1, 0}, 1, 2);
        Tensor rv = Tensor.of(new float[] {4, 1}, 1, 2);
        Tensor w = Tensor.of(new float[] {2, 1}, 1, 2);
        Tensor b = Tensor.of(new float[] {0.5f, -1}, 1, 2);
        Tensor y = F.batchNorm(x, rm, rv, w, b, false);
        assertArrayEquals(new float[] {(float) (2 * 2 / Math.sqrt(4 + 1e-5) + 0.5), -1}, y.toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {1, 0}, rm.toFloatArray(), 0f);
    }

    @Test
    void dropoutScalesSurvivorsAndIsTheIdentityInEval() {
        Mge.seed(1);
        Tensor x = Tensor.ones(1000);
        float[] y = F.dropout(x, 0.25).toFloatArray();
        int kept = 0;
        for (float v : y) {
            assertTrue(v == 0 || Math.abs(v - 4f / 3) < 1e-6, "value " + v);
            kept += v == 0 ? 0 : 1;
        }
        assertTrue(kept > 680 && kept < 820, "kept " + kept);
        Mge.seed(1);
        assertArrayEquals(y, F.dropout(x, 0.25).toFloatArray(), 0f);
        assertSame(x, F.dropout(x, 0.5, false));
        assertThrows(IllegalArgumentException.class, () -> F.dropout(x, 1.0));
    }

    @Test
    void activationsGiveTheirTextbookValues() {
        Tensor x = Tensor.of(new float[] {-2, 0, 1});
        assertArrayEquals(new float[] {0, 0, 1}, F.relu(x).toFloatArray(), 0f);
        assertArrayEquals(new float[] {-0.02f, 0, 1}, F.leakyRelu(x).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(2))), 0.5f, (float) (1 / (1 + Math.exp(-1)))},
                F.sigmoid(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.tanh(-2), 0, (float) Math.tanh(1)}, F.tanh(x).toFloatArray(), 1e-6f);
        // gelu(1) = 0.5 * (1 + erf(1/sqrt 2)) = 0.8413447
        assertArrayEquals(new float[] {-0.0455003f, 0, 0.8413447f}, F.gelu(x).toFloatArray(), 1e-6f);
    }

    @Test
    void lossesGiveHandComputedValues() {
        Tensor p = Tensor.of(new float[] {1, 2, 3});
        Tensor l = Tensor.of(new float[] {1, 0, 5});
        assertEquals((0 + 4 + 4) / 3.0, F.squareLoss(p, l).itemDouble(), TOL);
        assertEquals((0 + 2 + 2) / 3.0, F.l1Loss(p, l).itemDouble(), TOL);
        Tensor logit = Tensor.of(new float[] {0, 100, -100});
        Tensor y = Tensor.of(new float[] {1, 0, 0});
        // log 2, 100, ~0 : stable for large logits
        assertArrayEquals(new float[] {(float) Math.log(2), 100, 0}, F.binaryCrossEntropy(logit, y, true, "none").toFloatArray(), 1e-5f);
        Tensor prob = Tensor.of(new float[] {0.25f});
        assertEquals(-Math.log(0.75), F.binaryCrossEntropy(prob, Tensor.of(new float[] {0}), false).itemDouble(), TOL);
    }

    @Test
    void clipWhereNormTopkAndPadGiveHandComputedValues() {
        Tensor x = Tensor.of(new float[] {-3, 0.5f, 4});
        assertArrayEquals(new float[] {-1, 0.5f, 2}, F.clip(x, -1, 2).toFloatArray(), 0f);
        assertArrayEquals(new float[] {-3, 0.5f, 1}, F.clip(x, null, 1.0).toFloatArray(), 0f);
        Tensor mask = Tensor.of(new boolean[] {true, false, true});
        assertArrayEquals(new float[] {-3, 0, 4}, F.where(mask, x, Tensor.zeros(3)).toFloatArray(), 0f);
        assertEquals(5, F.norm(Tensor.of(new float[] {3, -4})).itemDouble(), TOL);
        assertEquals(7, F.norm(Tensor.of(new float[] {3, -4}), 1).itemDouble(), TOL);
        assertThrows(IllegalArgumentException.class, () -> F.norm(Tensor.zeros(2, 2)));
        var top = F.topk(Tensor.of(new float[][] {{1, 5, 3, 4}}), 2);
        assertArrayEquals(new float[] {5, 4}, top.values().toFloatArray(), 0f);
        assertArrayEquals(new int[] {1, 3}, top.indices().toIntArray());
        assertEquals(DType.INT32, top.indices().dtype());
        var low = F.topk(Tensor.of(new float[] {1, 5, 3, 4}), 2, false, true, false);
        assertEquals(3f, ((Number) low.values().item()).floatValue());
        assertEquals(2, ((Number) low.indices().item()).intValue());
        Tensor v = Tensor.of(new float[] {1, 2, 3});
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 2}, F.pad(v, new int[][] {{2, 1}}, "reflect").toFloatArray(), 0f);
        assertArrayEquals(new float[] {1, 1, 2, 3, 3, 3}, F.pad(v, new int[][] {{1, 2}}, "edge").toFloatArray(), 0f);
        assertArrayEquals(new float[] {9, 1, 2, 3, 9}, F.pad(v, new int[][] {{1, 1}}, "constant", 9).toFloatArray(), 0f);
    }

    @Test
    void linearComputesXTimesWeightTransposedPlusBias() {
        Tensor x = Tensor.of(new float[][] {{1, 2}});
        Tensor w = Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        Tensor b = Tensor.of(new float[] {0, 10, 100});
        assertArrayEquals(new float[] {1, 12, 103}, F.linear(x, w, b).toFloatArray(), 0f);
        assertArrayEquals(new long[] {1, 3}, F.linear(x, w, b).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> F.linear(Tensor.zeros(2, 3), w, b));
        assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
    }

    @Test
    void flattenKeepsTheBatchAxis() {
        assertArrayEquals(new long[] {2, 60}, F.flatten(Tensor.zeros(2, 3, 4, 5), 1).shape());
        assertArrayEquals(new long[] {120}, F.flatten(Tensor.zeros(2, 3, 4, 5)).shape());
    }
}
