package org.mge4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.Backend;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;
import org.mge4j.module.Linear;
import org.mge4j.module.MaxPool2d;
import org.mge4j.module.Module;
import org.mge4j.optimizer.SGD;

/**
 * The ConvNet in mge4j, written exactly as the tutorial cell of DESIGN.md §2: a Module, GradManager.record,
 * F.crossEntropy, SGD.step().clearGrad().
 */
public final class Mge4jConvNet implements ConvNetEngine {

    /** The tutorial's ConvNet, unchanged. */
    static final class ConvNet extends Module {
        Conv2d conv1 = new Conv2d(1, 10, 5);
        MaxPool2d pool1 = new MaxPool2d(2, 2);
        Conv2d conv2 = new Conv2d(10, 20, 5);
        MaxPool2d pool2 = new MaxPool2d(2, 2);
        Linear fc1 = new Linear(320, 50);
        Linear fc2 = new Linear(50, 10);

        @Override
        public Tensor forward(Tensor x) {
            x = pool1.call(F.relu(conv1.call(x)));
            x = pool2.call(F.relu(conv2.call(x)));
            x = F.flatten(x, 1);
            x = F.relu(fc1.call(x));
            return F.relu(fc2.call(x));
        }
    }

    private ConvNet model;
    private SGD optimizer;
    private GradManager gm;
    private Tensor x64;
    private Tensor x1;
    private Tensor labels;
    private int threads;

    @Override
    public String name() {
        return "mge4j";
    }

    @Override
    public void setThreads(int threads) {
        this.threads = threads;
        Backend.setThreads(threads);
    }

    @Override
    public void build(Batch data, Weights weights, double lr, double momentum) {
        model = new ConvNet();
        if (weights != null) {
            // mge4j's shapes differ from PyTorch's only by the conv bias (1, out, 1, 1): take them from the model
            var current = model.stateDict();
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (String name : Weights.SHAPES.keySet()) {
                state.put(name, Tensor.of(weights.get(name), current.get(name).shape()));
            }
            model.loadStateDict(state);
        }
        optimizer = new SGD(model.parameters(), lr, momentum);
        gm = new GradManager().attach(model.parameters());
        x64 = Tensor.of(data.x, Batch.N, 1, 28, 28);
        x1 = Tensor.of(data.images(1), 1, 1, 28, 28);
        labels = Tensor.of(data.labels);
    }

    @Override
    public float trainStep() {
        try (var rec = gm.record()) {
            var loss = F.crossEntropy(model.call(x64), labels);
            gm.backward(loss);
            optimizer.step().clearGrad();
            return (float) loss.itemDouble();
        }
    }

    @Override
    public void eval() {
        model.eval();
    }

    @Override
    public float infer(int batch) {
        return model.call(batch == 1 ? x1 : x64).toFloatArray()[0];
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", "mge4j 0.1.0-SNAPSHOT on " + Backend.name() + ", " + NdThreads.describe());
        m.put("threads", Integer.toString(threads));
        m.put("init", "mge4j defaults (MegEngine: normal std sqrt(1/fan_in) weights, zero biases)");
        m.put("optimizer", "mge4j SGD(lr 0.01, momentum 0.9), GradManager record/backward, clearGrad each step");
        return m;
    }
}
