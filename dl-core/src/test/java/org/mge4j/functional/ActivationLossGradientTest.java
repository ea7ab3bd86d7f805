package org.mge4j.functional;

import static org.mge4j.GradCheck.check;
import static org.mge4j.GradCheck.randn64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** Finite-difference gradient checks (float64) of activations, softmax family, losses and selection ops. */
class ActivationLossGradientTest {
    @BeforeEach
    void seed() {
        Mge.seed(5);
    }

    @Test
    void activationsMatchFiniteDifferences() {
        check("relu", in -> F.relu(in[0]), randn64(3, 4));
        check("sigmoid", in -> F.sigmoid(in[0]), randn64(3, 4));
        check("tanh", in -> F.tanh(in[0]), randn64(3, 4));
        check("leakyRelu default", in -> F.leakyRelu(in[0]), randn64(3, 4));
        check("leakyRelu 0.2", in -> F.leakyRelu(in[0], 0.2), randn64(3, 4));
        check("gelu", in -> F.gelu(in[0]), randn64(3, 4));
    }

    @Test
    void softmaxFamilyMatchesFiniteDifferences() {
        check("softmax default axis", in -> F.softmax(in[0]), randn64(3, 4));
        check("softmax axis 0 of 3-D", in -> F.softmax(in[0]), randn64(2, 3, 2));
        check("softmax axis -1", in -> F.softmax(in[0], -1), randn64(2, 3, 4));
        check("logSoftmax", in -> F.logSoftmax(in[0], 1), randn64(3, 4));
        check("logSoftmax axis 0", in -> F.logSoftmax(in[0], 0), randn64(3, 4, 2));
        check("logsumexp", in -> F.logsumexp(in[0], 1), randn64(3, 4));
        check("logsumexp keepdims", in -> F.logsumexp(in[0], 0, true), randn64(3, 4));
    }

    @Test
    void crossEntropyMatchesFiniteDifferencesInEveryMode() {
        Tensor label = Tensor.of(new int[] {2, 0, 1});
        check("cross_entropy", in -> F.crossEntropy(in[0], label), randn64(3, 4));
        check("cross_entropy smooth sum", in -> F.crossEntropy(in[0], label, 1, true, 0.1, "sum"), randn64(3, 4));
        check("cross_entropy none", in -> F.crossEntropy(in[0], label, 1, true, 0, "none"), randn64(3, 4));
        Tensor label2 = Tensor.of(new int[][] {{1, 0}, {2, 2}});
        check("cross_entropy axis 1 of 3-D", in -> F.crossEntropy(in[0], label2), randn64(2, 3, 2));
        Tensor label3 = Tensor.of(new int[][] {{1, 0, 2}, {2, 2, 0}});
        check("cross_entropy last axis", in -> F.crossEntropy(in[0], label3, -1, true, 0.2, "mean"), randn64(2, 3, 3));
        check("cross_entropy of probabilities", in -> F.crossEntropy(F.softmax(in[0], 1), label, 1, false, 0.1, "mean"),
                randn64(3, 4));
    }

    @Test
    void regressionAndBinaryLossesMatchFiniteDifferences() {
        check("square_loss", in -> F.squareLoss(in[0], in[1]), randn64(3, 4), randn64(3, 4));
        check("square_loss sum", in -> F.squareLoss(in[0], in[1], "sum"), randn64(3, 4), randn64(3, 4));
        check("l1_loss", in -> F.l1Loss(in[0], in[1], "none"), randn64(3, 4), randn64(3, 4));
        check("binary_cross_entropy logits", in -> F.binaryCrossEntropy(in[0], in[1]), randn64(3, 4).mul(3), Tensor.rand(3, 4).astype(DType.FLOAT64));
        check("binary_cross_entropy probabilities", in -> F.binaryCrossEntropy(F.sigmoid(in[0]), in[1], false, "sum"),
                randn64(3, 4), Tensor.rand(3, 4).astype(DType.FLOAT64));
    }

    @Test
    void clipPassesTheGradientOnlyInsideTheRange() {
        check("clip", in -> F.clip(in[0], -0.5, 0.7), randn64(4, 5));
        check("clip lower only", in -> F.clip(in[0], -0.3, null), randn64(4, 5));
    }

    @Test
    void normMatchesFiniteDifferences() {
        check("norm 2 vector", in -> F.norm(in[0]), randn64(5));
        check("norm 2 axis", in -> F.norm(in[0], 2, 1), randn64(3, 4));
        check("norm 1 keepdims", in -> F.norm(in[0], 1, 0, true), randn64(3, 4));
        check("norm 3", in -> F.norm(in[0], 3, -1), randn64(3, 4));
        check("norm inf", in -> F.norm(in[0], Double.POSITIVE_INFINITY, 1), randn64(3, 4));
    }

    @Test
    void topkValuesMatchFiniteDifferences() {
        check("topk descending", in -> F.topk(in[0], 2).values(), randn64(3, 5));
        check("topk ascending", in -> F.topk(in[0], 3, false).values(), randn64(2, 6));
        check("topk kth only", in -> F.topk(in[0], 2, true, true, false).values(), randn64(6));
    }

    @Test
    void whereSendsTheGradientToTheBranchTaken() {
        Tensor mask = Tensor.of(new boolean[][] {{true, false, true}, {false, false, true}});
        check("where", in -> F.where(mask, in[0], in[1]), randn64(2, 3), randn64(2, 3));
        check("where broadcast", in -> F.where(mask, in[0], in[1]), randn64(3), randn64(2, 1));
    }

    @Test
    void padInEveryModeMatchesFiniteDifferences() {
        check("pad constant", in -> F.pad(in[0], new int[][] {{1, 0}, {2, 1}}, "constant", 3.0), randn64(2, 3));
        check("pad reflect", in -> F.pad(in[0], new int[][] {{0, 0}, {2, 2}}, "reflect"), randn64(2, 4));
        check("pad edge", in -> F.pad(in[0], new int[][] {{1, 2}, {0, 3}}, "edge"), randn64(2, 3));
    }
}
