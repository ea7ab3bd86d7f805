package org.mge4j.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.data.Batch;
import org.mge4j.data.DataLoader;
import org.mge4j.data.FashionMnist;
import org.mge4j.data.Normalize;
import org.mge4j.functional.F;
import org.mge4j.optimizer.SGD;
import org.mge4j.serialization.CheckpointManager;
import org.mge4j.serialization.LoadOptions;

/**
 * The second half of {@link ResumeTrainingTest}, run in a new JVM: restores the newest checkpoint of a folder
 * into a fresh ConvNet and SGD, trains the next steps on the same data order, and saves the result.
 * Arguments: checkpoint folder, output file, number of steps.
 */
public final class ResumeFromCheckpoint {
    static final double LR = 0.01;
    static final double MOMENTUM = 0.9;

    private ResumeFromCheckpoint() {
    }

    /** The training batches in the fixed order both JVMs use: Fashion-MNIST, shuffled with seed 3, normalised. */
    static List<Batch> batches(int from, int to) {
        DataLoader loader = DataLoader.builder(FashionMnist.train()).batchSize(64).shuffle(true).seed(3)
                .transform(new Normalize(0.2860 * 255, 0.3530 * 255)).build();
        List<Batch> out = new ArrayList<>();
        int i = 0;
        for (Batch b : loader) {
            if (i >= to) {
                break;
            }
            if (i++ >= from) {
                out.add(b);
            }
        }
        return out;
    }

    /** One SGD step of the tutorial; returns the loss. */
    static double step(ConvNet model, SGD optimizer, GradManager gm, Batch batch) {
        try (var rec = gm.record()) {
            Tensor loss = F.crossEntropy(model.call(batch.data()), batch.label());
            gm.backward(loss);
            optimizer.step().clearGrad();
            return loss.itemDouble();
        }
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int steps = Integer.parseInt(args[2]);
        Map<String, Object> ckpt = CheckpointManager.builder(folder).build()
                .restoreLatest(LoadOptions.builder().mapLocation("cpu0").build())
                .orElseThrow(() -> new IllegalStateException("no checkpoint in " + folder));
        ConvNet model = new ConvNet();
        model.loadStateDict((Map<String, ?>) ckpt.get("model_state_dict"));
        SGD optimizer = new SGD(model.parameters(), 0.5, 0.1); // other hyperparameters: the checkpoint's must win
        optimizer.loadStateDict((Map<String, ?>) ckpt.get("optimizer_state_dict"));
        GradManager gm = new GradManager().attach(model.parameters());
        int done = (Integer) ckpt.get("step");
        List<Double> losses = new ArrayList<>();
        for (Batch b : batches(done, done + steps)) {
            losses.add(step(model, optimizer, gm, b));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model_state_dict", model.stateDict());
        result.put("optimizer_state_dict", optimizer.stateDict());
        result.put("losses", losses);
        result.put("resumed_from_loss", ckpt.get("loss"));
        Mge.save(result, out);
    }
}
