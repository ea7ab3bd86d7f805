package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.BatchNorm2d;
import org.mge4j.module.Conv2d;

/** Every graph op exported to ONNX runs in ONNX Runtime with eager's outputs (within 1e-5), optimised or not. */
class OnnxExportTest {
    private static final TraceOptions CONST = TraceOptions.builder().symbolic(true).captureAsConst(true).build();

    @TempDir
    Path dir;

    private float[] ort(Path file, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), x.shape());
             OrtSession.Result r = s.run(Map.of("x", t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer b = out.getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            return v;
        }
    }

    private void check(String name, Function<Tensor, Tensor> fn, Tensor x, boolean optimize) throws Exception {
        TracedFunction<Tensor> f = Jit.trace(fn, CONST);
        float[] eager = f.call(x).toFloatArray();
        Path file = dir.resolve(name + (optimize ? "" : "-plain") + ".onnx");
        f.dump(file, DumpOptions.builder().argNames("x").optimizeForInference(optimize).build());
        assertArrayEquals(eager, ort(file, x), 1e-5f, name);
        Tensor bigger = Tensor.randn(concat(3, x.shape()));
        assertArrayEquals(fn.apply(bigger).toFloatArray(), ort(file, bigger), 1e-5f, name + " at another batch size");
    }

    private static long[] concat(long batch, long[] shape) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }

    @Test
    void elementwiseActivationAndReductionOpsMatchEager() throws Exception {
        Mge.seed(2);
        Tensor x = Tensor.randn(2, 3, 4);
        Tensor c = Tensor.uniform(0.5, 2, 3, 1);
        Map<String, Function<Tensor, Tensor>> cases = new java.util.LinkedHashMap<>();
        cases.put("arith", t -> t.add(c).sub(1.5).mul(c).div(c.add(1)).neg());
        cases.put("transcendental", t -> t.abs().add(0.1).sqrt().log().add(t.exp()).add(t.abs().pow(c)));
        cases.put("activations", t -> F.sigmoid(t).add(F.tanh(t)).add(F.leakyRelu(t, 0.2)).add(F.relu(t)));
        cases.put("softmaxes", t -> F.softmax(t, 2).add(F.logSoftmax(t, 1).transpose(0, 1, 2)));
        cases.put("reductions", t -> F.sum(t, new int[] {2}, true).add(F.mean(t, 2, true)).add(F.max(t, 2, true))
                .add(F.min(t, new int[] {1, 2}, true)));
        cases.put("shapes", t -> F.concat(List.of(t.reshape(-1, 12), t.transpose(0, 2, 1).reshape(-1, 12),
                F.minimum(F.maximum(t.flatten(1, 2), t.flatten(1, 2).mul(-1)), c.reshape(1, 3).sum())), 1));
        Tensor m = Tensor.randn(12, 5);
        Tensor w = Tensor.randn(4, 12);
        Tensor b = Tensor.randn(4);
        cases.put("matmul", t -> F.matmul(t.flatten(1, 2), m).add(F.linear(t.flatten(1, 2), w, b).sum()));
        for (var e : cases.entrySet()) {
            check(e.getKey(), e.getValue(), x, true);
            check(e.getKey(), e.getValue(), x, false);
        }
    }

    @Test
    void convolutionPoolingAndBatchNormMatchEagerFoldedOrNot() throws Exception {
        Mge.seed(3);
        Conv2d conv = new Conv2d(2, 3, 3, 2, 1);
        BatchNorm2d bn = new BatchNorm2d(3);
        for (int i = 0; i < 2; i++) {
            bn.call(conv.call(Tensor.randn(4, 2, 7, 7).add(1)));
        }
        bn.eval();
        conv.eval();
        Function<Tensor, Tensor> fn = t -> F.avgPool2d(F.relu(bn.call(conv.call(t))), 3, 1, 1, "average")
                .add(F.avgPool2d(F.relu(bn.call(conv.call(t))), 3, 1, 1, "average_count_exclude_padding"))
                .add(F.maxPool2d(conv.call(t), 3, 1, 1));
        check("convbn", fn, Tensor.randn(1, 2, 7, 7), true);
        check("convbn", fn, Tensor.randn(1, 2, 7, 7), false);
    }

    @Test
    void theOnnxModelDeclaresIr8Opset13AndASymbolicBatchAxis() throws Exception {
        TracedFunction<Tensor> f = Jit.trace((Tensor t) -> F.relu(t), CONST);
        f.call(Tensor.ones(1, 3));
        Path file = dir.resolve("relu.onnx");
        f.dump(file, DumpOptions.builder().argNames("x").outputNames("y").build());
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        assertEquals(0x08, bytes[0], "field 1 (ir_version), varint");
        assertEquals(8, bytes[1]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertEquals(java.util.Set.of("x"), s.getInputNames());
            assertEquals(java.util.Set.of("y"), s.getOutputNames());
            assertTrue(s.getInputInfo().get("x").getInfo().toString().contains("shape=[-1, 3]"), s.getInputInfo().toString());
        }
    }

    @Test
    void trainingDropoutCannotBeExported() {
        TracedFunction<Tensor> f = Jit.trace((Tensor t) -> F.dropout(t, 0.5, true), CONST);
        f.call(Tensor.ones(2, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.dump(dir.resolve("d.onnx").toString()));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }
}
