package org.mge4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The ConvNet as a DL4J MultiLayerNetwork on the same ND4J build as mge4j (nd4j-native onednn-avx2), used the way
 * a DL4J user would: {@code fit(x, y)} per step, {@code output(x, false)} for inference. DL4J has no plain-momentum
 * SGD, so the updater is Nesterovs(lr, momentum): same cost, slightly different trajectory after the first step.
 *
 * <p>DL4J 1.0.0-M2.1 never uses its oneDNN layer helpers on this build (its check reflects on a class that is not
 * in ND4J M2.1, and helpers are disabled by default). The variant {@code dl4j-onednn} puts them into the conv and
 * pooling layers by reflection, to show DL4J at its best; it is not how DL4J ships.
 */
public class Dl4jConvNet implements ConvNetEngine {
    private final boolean injectOneDnn;

    private MultiLayerNetwork net;
    private INDArray x64;
    private INDArray x1;
    private INDArray y;
    private int threads;

    public Dl4jConvNet() {
        this(false);
    }

    Dl4jConvNet(boolean injectOneDnn) {
        this.injectOneDnn = injectOneDnn;
    }

    /** DL4J with its oneDNN helpers injected into the conv and pooling layers. */
    public static final class WithOneDnn extends Dl4jConvNet {
        public WithOneDnn() {
            super(true);
        }
    }

    @Override
    public String name() {
        return injectOneDnn ? "dl4j-onednn" : "dl4j";
    }

    @Override
    public void setThreads(int threads) {
        this.threads = threads;
        NdThreads.set(threads);
    }

    @Override
    public void build(Batch data, Weights weights, double lr, double momentum) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(lr, momentum))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(10).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(50).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.RELU).build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        net = new MultiLayerNetwork(conf);
        net.init();
        if (injectOneDnn) {
            injectHelpers();
        }
        if (weights != null) {
            setParams(0, weights, "conv1", false);
            setParams(2, weights, "conv2", false);
            setParams(4, weights, "fc1", true);
            setParams(5, weights, "fc2", true);
        }
        x64 = Nd4j.create(data.x, new long[] {Batch.N, 1, 28, 28}, DataType.FLOAT);
        x1 = Nd4j.create(data.images(1), new long[] {1, 1, 28, 28}, DataType.FLOAT);
        y = Nd4j.create(data.oneHot(), new long[] {Batch.N, 10}, DataType.FLOAT);
    }

    private void setParams(int layer, Weights w, String prefix, boolean dense) {
        INDArray wp = net.getLayer(layer).getParam("W");
        INDArray src = Nd4j.create(w.get(prefix + ".weight"), Weights.SHAPES.get(prefix + ".weight"), 'c');
        // DL4J dense weights are (in, out): the transpose of PyTorch's (out, in); conv weights are (out, in, kh, kw)
        wp.assign(dense ? src.transpose() : src.reshape(wp.shape()));
        INDArray bp = net.getLayer(layer).getParam("b");
        bp.assign(Nd4j.create(w.get(prefix + ".bias")).reshape(bp.shape()));
    }

    private void injectHelpers() {
        try {
            for (var layer : net.getLayers()) {
                if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                    setField(layer, org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                            new org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper(DataType.FLOAT));
                } else if (layer instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer) {
                    setField(layer, org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class,
                            new org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper(DataType.FLOAT));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not inject DL4J's oneDNN helpers", e);
        }
    }

    private static void setField(Object layer, Class<?> owner, Object helper) throws ReflectiveOperationException {
        var f = owner.getDeclaredField("helper");
        f.setAccessible(true);
        f.set(layer, helper);
    }

    @Override
    public float trainStep() {
        net.fit(x64, y);
        return (float) net.score();
    }

    @Override
    public void eval() {
        // output(x, false) runs the inference path
    }

    @Override
    public float infer(int batch) {
        INDArray out = net.output(batch == 1 ? x1 : x64, false);
        return out.getFloat(0);
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", "DL4J MultiLayerNetwork 1.0.0-M2.1" + (injectOneDnn ? " with oneDNN conv/pool helpers "
                + "injected by reflection (helper=" + net.getLayer(0).getHelper() + ")" : " as shipped (no layer helpers)")
                + ", " + NdThreads.describe());
        m.put("threads", Integer.toString(threads));
        m.put("init", "DL4J Xavier weights, zero biases");
        m.put("optimizer", "DL4J Nesterovs(0.01, 0.9) (no plain-momentum SGD in DL4J)");
        return m;
    }
}
