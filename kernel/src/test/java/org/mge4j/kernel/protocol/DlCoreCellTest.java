package org.mge4j.kernel.protocol;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tutorial's cells (DESIGN.md §2) typed into a kernel started as a separate process, with no import lines:
 * the startup imports and the classpath JShell compiles against must cover dl-core.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DlCoreCellTest {
    static final String CONVNET = String.join("\n",
            "class ConvNet extends Module {",
            "    Conv2d conv1 = new Conv2d(1, 10, 5);",
            "    MaxPool2d pool1 = new MaxPool2d(2, 2);",
            "    Conv2d conv2 = new Conv2d(10, 20, 5);",
            "    MaxPool2d pool2 = new MaxPool2d(2, 2);",
            "    Linear fc1 = new Linear(320, 50);",
            "    Linear fc2 = new Linear(50, 10);",
            "",
            "    public Tensor forward(Tensor x) {",
            "        x = pool1.call(F.relu(conv1.call(x)));",
            "        x = pool2.call(F.relu(conv2.call(x)));",
            "        x = F.flatten(x, 1);",
            "        x = F.relu(fc1.call(x));",
            "        return F.relu(fc2.call(x));",
            "    }",
            "}",
            "var model = new ConvNet();",
            "var optimizer = new SGD(model.parameters(), 0.001, 0.1);       // lr, momentum");

    static final String TRAINING_STEP = String.join("\n",
            "Mge.seed(7);",
            "var data = Tensor.randn(8, 1, 28, 28);",
            "var label = Tensor.of(new int[]{0, 1, 2, 3, 4, 5, 6, 7});",
            "var before = model.stateDict();",
            "var gm = new GradManager().attach(model.parameters());",
            "try (var rec = gm.record()) {",
            "    var loss = F.crossEntropy(model.call(data), label);",
            "    gm.backward(loss);",
            "    optimizer.step().clearGrad();",
            "    System.out.println(\"loss \" + loss.item());",
            "}",
            "var after = model.stateDict();",
            "long changed = before.keySet().stream()"
                    + ".filter(k -> !Arrays.equals(before.get(k).toFloatArray(), after.get(k).toFloatArray())).count();",
            "System.out.println(\"parameters changed \" + changed + \" of \" + before.size());");

    KernelProcess kernel;
    TestClient client;

    @BeforeAll
    void start() throws Exception {
        kernel = new KernelProcess(Files.createTempDirectory("mge4j-data"));
        client = new TestClient(kernel);
        client.waitForReady(30_000);
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        kernel.close();
    }

    @Test
    void tutorialConvNetTrainsAndListsItsStateDictWithoutImportLines() {
        TestClient.Execution define = client.execute(CONVNET);
        assertEquals("ok", define.status(), define.reply().content().toString() + "\n" + kernel.logText());
        assertEquals("", define.stdout(), "defining the model prints nothing (no SLF4J or ND4J chatter)");

        TestClient.Execution step = client.execute(TRAINING_STEP);
        assertEquals("ok", step.status(), step.reply().content().toString());
        String[] lines = step.stdout().split("\n");
        assertTrue(lines[0].startsWith("loss "), step.stdout());
        double loss = Double.parseDouble(lines[0].substring(5));
        assertTrue(loss > 0 && loss < 20, "cross entropy of 10 classes at initialisation, got " + loss);
        // whole tensors: the ConvNet's relu on its logits can leave one class's row without gradient
        assertEquals("parameters changed 8 of 8", lines[1]);

        TestClient.Execution keys = client.execute(
                "model.stateDict().forEach((k, v) -> System.out.println(k + \" \" + Arrays.toString(v.shape())));");
        assertEquals("ok", keys.status(), keys.reply().content().toString());
        assertEquals(List.of(
                "conv1.bias [1, 10, 1, 1]",
                "conv1.weight [10, 1, 5, 5]",
                "conv2.bias [1, 20, 1, 1]",
                "conv2.weight [20, 10, 5, 5]",
                "fc1.bias [50]",
                "fc1.weight [50, 320]",
                "fc2.bias [10]",
                "fc2.weight [10, 50]"), List.of(keys.stdout().split("\n")));
    }

    /**
     * The serialization guide's pitfall, for real: a whole model loads into the class it names. A cell that only
     * changes method bodies redefines the class in place (the kernel's agent), so the name and the file still fit;
     * a cell that changes its shape makes JShell load a new class under a new name, and the old file is refused
     * with both names and the state-dict way out.
     */
    @Test
    void aWholeModelLoadsIntoItsClassUntilACellRedefinesTheClassUnderANewName() throws Exception {
        String path = Files.createTempDirectory("mge4j-whole").resolve("net.pkl").toString().replace("\\", "/");
        String load = "Mge.load(\"" + path + "\", LoadOptions.builder().trust(Net.class).build())";
        TestClient.Execution save = client.execute(String.join("\n",
                "class Net extends Module {",
                "    Linear fc = new Linear(3, 2);",
                "    public Tensor forward(Tensor x) { return fc.call(x); }",
                "}",
                "Mge.save(new Net(), \"" + path + "\");",
                "System.out.println(Net.class.getName() + \" \" + " + load + ".getClass().getName());"));
        assertEquals("ok", save.status(), save.reply().content().toString());
        String[] names = save.stdout().trim().split(" ");
        assertTrue(names[0].matches("REPL\\.\\$JShell\\$\\w+\\$Net"), save.stdout());
        assertEquals(names[0], names[1], "the loaded model is of the class the cell defined");
        TestClient.Execution byName = client.execute("Mge.load(\"" + path
                + "\", LoadOptions.builder().trust(Net.class.getName()).build()).getClass() == Net.class");
        assertEquals("ok", byName.status(), byName.reply().content().toString());
        assertEquals("true", byName.result(), "trust by name finds the cell's class through the context class loader");

        TestClient.Execution body = client.execute(String.join("\n",
                "class Net extends Module {",
                "    Linear fc = new Linear(3, 2);",
                "    public Tensor forward(Tensor x) { return F.relu(fc.call(x)); }",
                "}"));
        assertEquals("ok", body.status(), body.reply().content().toString());
        TestClient.Execution same = client.execute("System.out.println(Net.class.getName() + \" \" + " + load + ".getClass().getName());");
        assertEquals("ok", same.status(), same.reply().content().toString());
        assertEquals(names[0] + " " + names[0], same.stdout().trim(), "a new method body keeps the class and its name");

        TestClient.Execution shape = client.execute(String.join("\n",
                "class Net extends Module {",
                "    Linear fc = new Linear(3, 2);",
                "    public Tensor forward(Tensor x) { return F.relu(fc.call(x)); }",
                "    int version() { return 2; }",
                "}"));
        assertEquals("ok", shape.status(), shape.reply().content().toString());
        TestClient.Execution renamed = client.execute(load);
        assertEquals("error", renamed.status());
        String message = renamed.reply().content().path("evalue").asText();
        assertEquals("RefusedGlobalException", renamed.reply().content().path("ename").asText().replaceAll(".*\\.", ""), message);
        assertTrue(message.contains("the file holds a whole model of class " + names[0] + ", but the trusted class is REPL."), message);
        assertTrue(message.contains("the class Net was renamed or redefined"), message);
        assertTrue(message.contains("LoadOptions.builder().modelsAsStateDicts()"), message);

        TestClient.Execution weights = client.execute(String.join("\n",
                "var net = new Net();",
                "net.loadStateDict(Mge.load(\"" + path + "\", LoadOptions.builder().modelsAsStateDicts().build()));",
                "System.out.println(net.stateDict().keySet());"));
        assertEquals("ok", weights.status(), weights.reply().content().toString());
        assertEquals("[fc.bias, fc.weight]", weights.stdout().trim());
    }

    @Test
    void moduleMeansTheDlCoreModuleNotJavaLangModule() {
        TestClient.Execution ex = client.execute("Module.class.getName()");
        assertEquals("ok", ex.status(), ex.reply().content().toString());
        assertEquals("org.mge4j.module.Module", ex.result());
    }

    @Test
    void backendMagicNamesTheOneDnnBackendDeviceBlasAndThreads() {
        TestClient.Execution ex = client.execute("%backend");
        assertEquals("ok", ex.status(), ex.reply().content().toString());
        String out = ex.stdout();
        assertTrue(out.contains("Backend     nd4j-native (CPU, onednn-avx2)"), out);
        assertTrue(out.contains("Device      cpu0 (the default device, xpux)"), out);
        assertTrue(out.matches("(?s).*\ncpu0        .+, \\d+ cores?, (AVX-512|AVX2|no AVX2), [0-9.]+ GiB memory \\([0-9.]+ GiB free\\)\n.*"), out);
        assertTrue(out.contains("BLAS        openblas"), out);
        assertTrue(out.matches("(?s).*Threads     \\d+ \\(ND4J ops\\).*"), out);
    }

    @Test
    void bannerNamesJavaAndTheNd4jBackend() {
        String banner = client.waitForReady(5_000).content().path("banner").asText();
        assertTrue(banner.startsWith("Java " + Runtime.version()), banner);
        assertTrue(banner.contains("ND4J nd4j-native (CPU, onednn-avx2)"), banner);
        assertNotEquals(-1, banner.indexOf("mge4j kernel"), banner);
    }
}
