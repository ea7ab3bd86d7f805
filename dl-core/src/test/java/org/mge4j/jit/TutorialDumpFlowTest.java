package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.File;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.data.ArrayDataset;
import org.mge4j.data.Batch;
import org.mge4j.data.DataLoader;
import org.mge4j.data.FashionMnist;
import org.mge4j.data.Normalize;
import org.mge4j.functional.F;
import org.mge4j.optimizer.SGD;
import org.mge4j.serialization.PythonEnv;
import org.mge4j.training.ConvNet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The serialization guide's last step, end to end: the tutorial ConvNet trained a few steps on Fashion-MNIST, saved
 * and loaded as a state dict, put in eval mode, traced with softmax and dumped with argNames ["data"]; then a
 * separate JVM that has never seen the ConvNet class loads convnet.mge and predicts 1,000 test images exactly as
 * the eager model does. The same model exported to ONNX runs in ONNX Runtime with the same outputs, and Python's
 * onnx.checker accepts the file.
 */
class TutorialDumpFlowTest {
    @TempDir
    static Path dir;
    private static Tensor images;
    private static float[] eager;
    private static TracedFunction<Tensor> infer;

    @BeforeAll
    static void trainTraceAndDump() throws Exception {
        Assumptions.assumeTrue(FashionMnist.isInstalled() || System.getenv("CI") != null,
                "Fashion-MNIST is not installed; install/test.sh installs dataset-fashion-mnist");
        Normalize normalize = new Normalize(0.2860 * 255, 0.3530 * 255);
        ArrayDataset train = FashionMnist.train();
        Mge.seed(0);
        ConvNet trained = new ConvNet();
        SGD optimizer = new SGD(trained.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(trained.parameters());
        int steps = 0;
        for (Batch batch : DataLoader.builder(train).batchSize(64).shuffle(true).seed(1).transform(normalize).build()) {
            if (steps++ == 30) {
                break;
            }
            try (var rec = gm.record()) {
                gm.backward(F.crossEntropy(trained.call(batch.data()), batch.label()));
                optimizer.step().clearGrad();
            }
        }
        Mge.save(trained.stateDict(), dir.resolve("convnet.pkl").toString());

        ConvNet model = new ConvNet();
        model.loadStateDict(Mge.load(dir.resolve("convnet.pkl").toString()));
        model.eval();
        infer = Jit.trace((Tensor data) -> F.softmax(model.call(data)),
                TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        infer.call(Tensor.randn(1, 1, 28, 28));
        infer.dump(dir.resolve("convnet.mge").toString(), DumpOptions.builder().argNames("data").build());

        images = DataLoader.builder(FashionMnist.test()).batchSize(1000).transform(normalize).build().iterator().next().data();
        eager = F.softmax(model.call(images)).toFloatArray();
        Nd4j.writeAsNumpy(images.nd(), dir.resolve("images.npy").toFile());
    }

    @Test
    void aFreshJvmWithoutTheModelClassLoadsConvnetMgeAndPredictsLikeEager() throws Exception {
        Path runner = dir.resolve("LoadAndPredict.java");
        Files.writeString(runner, """
                import java.io.File;
                import java.util.Map;
                import org.mge4j.Tensor;
                import org.mge4j.jit.GraphInference;
                import org.mge4j.jit.Jit;
                import org.nd4j.linalg.factory.Nd4j;

                public class LoadAndPredict {
                    public static void main(String[] args) throws Exception {
                        try {
                            Class.forName("org.mge4j.training.ConvNet");
                            System.out.println("the model class is visible");
                            System.exit(3);
                        } catch (ClassNotFoundException expected) {
                        }
                        GraphInference net = Jit.load(args[0]);
                        Tensor x = Tensor.wrap(Nd4j.createFromNpyFile(new File(args[1])));
                        Map<String, Tensor> out = net.run(Map.of("data", x));
                        System.out.println("inputs " + net.inputNames() + " outputs " + out.keySet() + " ops " + net.opNames());
                        Nd4j.writeAsNumpy(out.values().iterator().next().nd(), new File(args[2]));
                    }
                }
                """);
        List<String> classpath = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.endsWith("test-classes") && !entry.contains("junit") && !entry.contains("onnxruntime")) {
                classpath.add(entry);
            }
        }
        // no --add-modules jdk.incubator.vector, as in a kernel started by default: the Java plan runs on plain loops
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2", "-cp", String.join(File.pathSeparator, classpath),
                runner.toString(), dir.resolve("convnet.mge").toString(), dir.resolve("images.npy").toString(),
                dir.resolve("out.npy").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("inputs [data] outputs [SOFTMAX]"), output);
        float[] graph = Tensor.wrap(Nd4j.createFromNpyFile(dir.resolve("out.npy").toFile())).toFloatArray();
        assertArrayEquals(eager, graph, 1e-5f);
        assertArrayEquals(argmax(eager), argmax(graph), "predictions on 1,000 test images");
    }

    @Test
    void theOnnxExportRunsInOnnxRuntimeWithEagersOutputsAndPassesOnnxChecker() throws Exception {
        Path onnx = dir.resolve("convnet.onnx");
        DumpResult r = infer.dump(onnx.toString(), DumpOptions.builder().argNames("data").build());
        assertEquals(List.of("data"), r.inputs());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(images.toFloatArray()), images.shape());
             OrtSession.Result out = session.run(Map.of("data", x))) {
            float[][] probs = (float[][]) out.get(0).getValue();
            float[] flat = new float[probs.length * probs[0].length];
            for (int i = 0; i < probs.length; i++) {
                System.arraycopy(probs[i], 0, flat, i * probs[0].length, probs[0].length);
            }
            assertArrayEquals(eager, flat, 1e-5f);
            assertArrayEquals(argmax(eager), argmax(flat));
        }
        PythonEnv py = PythonEnv.get("onnx", "onnx");
        String checked = py.python(dir, "-c", "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); "
                + "print('ir', m.ir_version, 'opset', m.opset_import[0].version, 'ok')", onnx.toString());
        assertTrue(checked.contains("ir 8 opset 13 ok"), checked);
    }

    private static int[] argmax(float[] probs) {
        int[] out = new int[probs.length / 10];
        for (int i = 0; i < out.length; i++) {
            for (int k = 1; k < 10; k++) {
                if (probs[i * 10 + k] > probs[i * 10 + out[i]]) {
                    out[i] = k;
                }
            }
        }
        return out;
    }
}
