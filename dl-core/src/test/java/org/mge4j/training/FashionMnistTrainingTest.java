package org.mge4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.data.ArrayDataset;
import org.mge4j.data.Batch;
import org.mge4j.data.Compose;
import org.mge4j.data.DataLoader;
import org.mge4j.data.FashionMnist;
import org.mge4j.data.Normalize;
import org.mge4j.data.Pad;
import org.mge4j.data.Transform;
import org.mge4j.functional.F;
import org.mge4j.module.Module;
import org.mge4j.optimizer.Optimizer;
import org.mge4j.optimizer.SGD;

/**
 * The quick-start loop of MegEngine's tutorials on the real Fashion-MNIST (Debian package dataset-fashion-mnist,
 * which install/test.sh installs): LeNet and the serialization guide's ConvNet must learn, and training must be
 * reproducible bit for bit under a seed.
 */
class FashionMnistTrainingTest {
    /** Fashion-MNIST's pixel mean and standard deviation, on raw 0..255 values (as MegEngine's quick-start). */
    private static final Transform NORMALIZE = new Normalize(0.2860 * 255, 0.3530 * 255);

    private static ArrayDataset train;
    private static ArrayDataset test;

    @BeforeAll
    static void loadData() {
        Assumptions.assumeTrue(FashionMnist.isInstalled() || System.getenv("CI") != null,
                "Fashion-MNIST is not installed; install/test.sh installs dataset-fashion-mnist");
        train = FashionMnist.train();
        test = FashionMnist.test();
    }

    @Test
    void leNetReachesEightyFivePercentInTwoEpochs() {
        Mge.seed(1);
        Transform padded = new Compose(NORMALIZE, new Pad(2));
        LeNet model = new LeNet();
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9, 5e-4);
        double accuracy = trainAndEvaluate("LeNet", model, optimizer, padded, 2);
        assertTrue(accuracy >= 0.85, "LeNet test accuracy after 2 epochs was " + accuracy + ", expected at least 0.85");
    }

    /**
     * The serialization guide's ConvNet applies relu to its logits, so a class whose logit starts at or below zero
     * for every input gets no gradient and never learns (with seed 1, one class starts that way). The test first
     * checks that its seed starts with all ten classes alive, so that a failure is about learning, not the draw.
     */
    @Test
    void tutorialConvNetReachesEightyPercentInOneEpoch() {
        Mge.seed(0);
        ConvNet model = new ConvNet();
        Batch probe = DataLoader.builder(test).batchSize(1000).transform(NORMALIZE).build().iterator().next();
        Tensor live = model.call(probe.data()).gt(0).astype(org.mge4j.DType.INT32).max(0).sum();
        assertEquals(10, live.item(), "classes with a positive logit for some input at initialisation");
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9, 5e-4);
        double accuracy = trainAndEvaluate("ConvNet", model, optimizer, NORMALIZE, 1);
        assertTrue(accuracy >= 0.80, "ConvNet test accuracy after 1 epoch was " + accuracy + ", expected at least 0.80");
    }

    @Test
    void sameSeedAndDataOrderGiveBitIdenticalParametersAfterFiftySteps() {
        Map<String, Tensor> first = fiftySteps();
        Map<String, Tensor> second = fiftySteps();
        assertEquals(first.keySet(), second.keySet());
        for (String key : first.keySet()) {
            assertArrayEquals(first.get(key).toFloatArray(), second.get(key).toFloatArray(), key);
        }
        Mge.seed(4);
        Map<String, Tensor> other = new ConvNet().stateDict();
        assertTrue(!java.util.Arrays.equals(first.get("conv1.weight").toFloatArray(), other.get("conv1.weight").toFloatArray()),
                "a different seed must give different parameters");
    }

    private static Map<String, Tensor> fiftySteps() {
        Mge.seed(3);
        ConvNet model = new ConvNet();
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(model.parameters());
        DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(true).seed(3).transform(NORMALIZE).build();
        int steps = 0;
        for (Batch batch : loader) {
            if (steps++ == 50) {
                break;
            }
            step(model, optimizer, gm, batch);
        }
        return model.stateDict();
    }

    private static double trainAndEvaluate(String name, Module model, Optimizer optimizer, Transform transform, int epochs) {
        GradManager gm = new GradManager().attach(model.parameters());
        DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(true).seed(7).transform(transform).build();
        for (int epoch = 0; epoch < epochs; epoch++) {
            model.train();
            long start = System.nanoTime();
            double totalLoss = 0;
            int steps = 0;
            for (Batch batch : loader) {
                totalLoss += step(model, optimizer, gm, batch);
                steps++;
            }
            System.out.printf("%s epoch %d: mean loss %.4f over %d steps, %.1f s%n", name, epoch + 1, totalLoss / steps,
                    steps, (System.nanoTime() - start) / 1e9);
        }
        model.eval();
        long correct = 0;
        long total = 0;
        for (Batch batch : DataLoader.builder(test).batchSize(500).transform(transform).build()) {
            Tensor pred = F.argmax(model.call(batch.data()), 1);
            correct += ((Number) pred.eq(batch.label()).sum().item()).longValue();
            total += batch.size();
        }
        double accuracy = (double) correct / total;
        System.out.printf("%s test accuracy after %d epochs: %.4f (%d/%d)%n", name, epochs, accuracy, correct, total);
        return accuracy;
    }

    private static double step(Module model, Optimizer optimizer, GradManager gm, Batch batch) {
        try (var rec = gm.record()) {
            Tensor loss = F.crossEntropy(model.call(batch.data()), batch.label());
            gm.backward(loss);
            optimizer.step().clearGrad();
            return loss.itemDouble();
        }
    }
}
