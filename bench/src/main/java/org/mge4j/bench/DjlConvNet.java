package org.mge4j.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ConvNet on PyTorch (libtorch 2.7.1 CPU) through DJL's PyTorch engine, offline: a SequentialBlock trained
 * with DJL's Trainer (softmax cross-entropy loss, SGD with momentum) in an eager loop, gradients zeroed each step
 * as {@code optimizer.zero_grad()} would (DJL's GradientCollector does not zero them in a manual loop).
 */
public final class DjlConvNet implements ConvNetEngine {
    private NDManager manager;
    private Model model;
    private Trainer trainer;
    private SequentialBlock block;
    private ParameterStore inferenceStore;
    private NDArray x64;
    private NDArray x1;
    private NDArray labels;
    private List<Parameter> params;
    private int threads;

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public void setThreads(int threads) {
        // the PyTorch engine reads these when it starts; EngineMain's JVM has not touched DJL yet
        this.threads = threads;
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    @Override
    public void build(Batch data, Weights weights, double lr, double momentum) {
        Engine engine = Engine.getEngine("PyTorch");
        manager = engine.newBaseManager();
        block = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(10).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(20).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(50).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(10).build())
                .add(Activation::relu);
        model = Model.newInstance("convnet", engine.getEngineName());
        model.setBlock(block);
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) lr))
                .optMomentum((float) momentum).build();
        var config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd);
        trainer = model.newTrainer(config);
        trainer.initialize(new Shape(Batch.N, 1, 28, 28));
        params = block.getParameters().values();
        if (weights != null) {
            // DJL's parameter order is the block order: conv1 W,b, conv2 W,b, fc1 W,b, fc2 W,b, as in Weights
            var names = Weights.SHAPES.keySet().iterator();
            for (Parameter p : params) {
                String n = names.next();
                NDArray arr = p.getArray();
                arr.set(weights.get(n));
            }
        }
        x64 = manager.create(data.x, new Shape(Batch.N, 1, 28, 28));
        x1 = manager.create(data.images(1), new Shape(1, 1, 28, 28));
        labels = manager.create(data.labels).toType(DataType.INT64, false);
        inferenceStore = new ParameterStore(manager, false);
    }

    @Override
    public float trainStep() {
        try (NDManager step = manager.newSubManager()) {
            NDList in = new NDList(x64);
            NDList lab = new NDList(labels);
            in.tempAttach(step);
            lab.tempAttach(step);
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(in, lab);
                NDArray l = trainer.getLoss().evaluate(lab, out);
                gc.backward(l);
                loss = l.getFloat();
            }
            trainer.step();
            for (Parameter p : params) {
                try (NDArray g = p.getArray().getGradient()) {
                    g.subi(g);
                }
            }
            return loss;
        }
    }

    @Override
    public void eval() {
        // forward with training=false below; DJL runs outside a GradientCollector without a tape
    }

    @Override
    public float infer(int batch) {
        try (NDManager step = manager.newSubManager()) {
            NDList in = new NDList(batch == 1 ? x1 : x64);
            in.tempAttach(step);
            NDArray out = block.forward(inferenceStore, in, false).singletonOrThrow();
            return out.toFloatArray()[0];
        }
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        Engine e = Engine.getEngine("PyTorch");
        m.put("engine", "PyTorch " + e.getVersion() + " via DJL " + Engine.getDjlVersion());
        m.put("threads", Integer.toString(threads));
        m.put("init", "DJL defaults (Xavier weights, zero biases)");
        m.put("optimizer", "DJL Sgd momentum (MXNet form: v=mu*v-lr*g; w+=v, same as torch.optim.SGD at fixed lr)");
        return m;
    }
}
