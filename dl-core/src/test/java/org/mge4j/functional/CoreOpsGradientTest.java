package org.mge4j.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mge4j.GradCheck.check;
import static org.mge4j.GradCheck.randn64;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;

/** Finite-difference gradient checks (float64) of the core tensor ops, reached through F. */
class CoreOpsGradientTest {
    @BeforeEach
    void seed() {
        Mge.seed(11);
    }

    private static Tensor positive(long... shape) {
        return randn64(shape).abs().add(0.5);
    }

    @Test
    void elementwiseArithmeticWithBroadcastingMatchesFiniteDifferences() {
        check("add", in -> F.add(in[0], in[1]), randn64(3, 4), randn64(4));
        check("sub", in -> F.sub(in[0], in[1]), randn64(3, 1), randn64(2, 1, 4));
        check("mul", in -> F.mul(in[0], in[1]), randn64(3, 4), randn64(3, 1));
        check("div", in -> F.div(in[0], in[1]), randn64(3, 4), positive(4));
        check("pow", in -> F.pow(in[0], in[1]), positive(3, 4), randn64(3, 4));
        check("pow scalar exponent", in -> F.pow(in[0], 3), randn64(2, 3));
        check("neg", in -> F.neg(in[0]), randn64(2, 3));
    }

    @Test
    void unaryMathMatchesFiniteDifferences() {
        check("exp", in -> F.exp(in[0]), randn64(2, 3));
        check("log", in -> F.log(in[0]), positive(2, 3));
        check("sqrt", in -> F.sqrt(in[0]), positive(2, 3));
        check("abs", in -> F.abs(in[0]), randn64(2, 3));
    }

    @Test
    void maximumAndMinimumSendTheGradientToTheChosenOperand() {
        check("maximum", in -> F.maximum(in[0], in[1]), randn64(3, 4), randn64(4));
        check("minimum", in -> F.minimum(in[0], in[1]), randn64(3, 4), randn64(3, 4));
    }

    @Test
    void astypeBetweenFloatTypesPassesTheGradientBackInTheInputDtype() {
        check("astype float64", in -> F.astype(in[0], DType.FLOAT64), randn64(2, 3));
        Tensor x = randn64(2, 3);
        GradManager gm = new GradManager().attach(x);
        try (var rec = gm.record()) {
            gm.backward(F.astype(x, DType.FLOAT32).mul(3).sum());
        }
        assertEquals(DType.FLOAT64, x.grad().dtype());
        assertArrayEquals(new double[] {3, 3, 3, 3, 3, 3}, x.grad().toDoubleArray(), 1e-6);
    }

    @Test
    void reductionsOverAxesMatchFiniteDifferences() {
        check("sum all", in -> F.sum(in[0]), randn64(2, 3));
        check("sum axis keepdims", in -> F.sum(in[0], 1, true), randn64(2, 3, 4));
        check("sum axes", in -> F.sum(in[0], new int[] {0, 2}, false), randn64(2, 3, 4));
        check("mean", in -> F.mean(in[0], -1), randn64(2, 3, 4));
        check("mean all", in -> F.mean(in[0]), randn64(2, 3));
        check("max axis", in -> F.max(in[0], 1), randn64(3, 5));
        check("max all keepdims", in -> F.max(in[0], new int[] {0, 1}, true), randn64(3, 5));
        check("min axis", in -> F.min(in[0], 0, true), randn64(3, 5));
        check("prod axis", in -> F.prod(in[0], 1), randn64(3, 4));
        check("prod all", in -> F.prod(in[0]), randn64(2, 3));
    }

    @Test
    void shapeOpsMatchFiniteDifferences() {
        check("reshape", in -> F.reshape(in[0], 3, -1), randn64(2, 3, 2));
        check("flatten from 1", in -> F.flatten(in[0], 1), randn64(2, 3, 2));
        check("flatten middle", in -> F.flatten(in[0], 1, 2), randn64(2, 3, 2, 2));
        check("transpose", in -> F.transpose(in[0], 2, 0, 1), randn64(2, 3, 4));
        check("expandDims", in -> F.expandDims(in[0], 1), randn64(2, 3));
        check("squeeze", in -> F.squeeze(in[0], 1), randn64(2, 1, 3));
        check("squeeze all", in -> F.squeeze(in[0]), randn64(1, 3, 1));
        check("broadcastTo", in -> F.broadcastTo(in[0], 2, 3, 4), randn64(3, 1));
    }

    @Test
    void joiningAndSplittingMatchFiniteDifferences() {
        check("concat", in -> F.concat(List.of(in[0], in[1]), 1), randn64(2, 3), randn64(2, 2));
        check("stack", in -> F.stack(List.of(in[0], in[1]), 1), randn64(2, 3), randn64(2, 3));
        check("split sections", in -> {
            List<Tensor> parts = F.split(in[0], 2, 1);
            return F.concat(List.of(parts.get(1), parts.get(0).mul(2)), 1);
        }, randn64(2, 4));
        check("split points", in -> {
            List<Tensor> parts = F.split(in[0], new long[] {1, 3}, 0);
            return F.concat(List.of(parts.get(2), parts.get(0).mul(3), parts.get(1)), 0);
        }, randn64(4, 2));
    }

    @Test
    void indexingAndSlicingMatchFiniteDifferences() {
        check("index spec", in -> in[0].index("1:3, ::2"), randn64(4, 5));
        check("get row", in -> in[0].get(1), randn64(3, 4));
        check("slice with step", in -> in[0].slice(1, 0, 5, 2), randn64(3, 5));
        check("index with new axis and ellipsis", in -> in[0].index("..., None, -1"), randn64(2, 3));
    }

    @Test
    void matmulOfVectorsMatricesAndBatchesMatchesFiniteDifferences() {
        check("matmul 2-D", in -> F.matmul(in[0], in[1]), randn64(3, 4), randn64(4, 2));
        check("matmul vector-vector", in -> F.matmul(in[0], in[1]), randn64(4), randn64(4));
        check("matmul vector-matrix", in -> F.matmul(in[0], in[1]), randn64(4), randn64(4, 2));
        check("matmul matrix-vector", in -> F.matmul(in[0], in[1]), randn64(3, 4), randn64(4));
        check("matmul transposed", in -> F.matmul(in[0], in[1], true, true), randn64(4, 3), randn64(2, 4));
        check("matmul batched", in -> F.matmul(in[0], in[1]), randn64(2, 3, 4), randn64(2, 4, 2));
        check("matmul batched broadcast", in -> F.matmul(in[0], in[1]), randn64(2, 1, 3, 4), randn64(3, 4, 2));
        check("matmul batched transposed", in -> F.matmul(in[0], in[1], true, false), randn64(2, 4, 3), randn64(2, 4, 2));
    }
}
