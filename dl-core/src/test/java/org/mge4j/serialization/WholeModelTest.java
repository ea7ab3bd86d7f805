package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.BatchNorm1d;
import org.mge4j.module.Linear;
import org.mge4j.module.Module;
import org.mge4j.module.ReLU;
import org.mge4j.module.Sequential;
import org.mge4j.module.Sigmoid;

/**
 * {@code Mge.save(model, path)}, the serialization guide's "not recommended" whole-model save: what the file holds,
 * what loading needs (trust, the same class, a no-argument constructor), and every way it refuses, with what to do.
 */
class WholeModelTest {
    @TempDir
    Path dir;

    /** A custom submodule: a built-in layer with constructor arguments and a norm layer with buffers. */
    static class Block extends Module {
        Linear fc = new Linear(4, 4);
        BatchNorm1d bn = new BatchNorm1d(4);

        @Override
        public Tensor forward(Tensor x) {
            return F.relu(bn.call(fc.call(x)));
        }
    }

    /** A user model with nested custom modules, a list and a map of modules, a parameter and a buffer. */
    static class Net extends Module {
        Block block = new Block();
        List<Module> layers = List.of(new Block(), new Linear(4, 3));
        Map<String, Linear> heads = new LinkedHashMap<>(Map.of("a", new Linear(3, 2), "b", new Linear(3, 2)));
        Parameter scale = new Parameter(Tensor.ones(2));
        Tensor calls = Tensor.zeros(1);

        private Net() { // loading finds private constructors too
        }

        @Override
        public Tensor forward(Tensor x) {
            x = layers.get(1).call(layers.get(0).call(block.call(x)));
            return F.mul(F.add(heads.get("a").call(x), heads.get("b").call(x)), scale);
        }
    }

    static class NeedsArguments extends Module {
        Linear fc;

        NeedsArguments(int in) {
            fc = new Linear(in, 2);
        }
    }

    class Inner extends Module {
        Linear fc = new Linear(3, 2);
    }

    static class LayoutA extends Module {
        Linear fc1 = new Linear(3, 4);
        Linear fc2 = new Linear(4, 2);
    }

    static class LayoutB extends Module {
        Linear fc1 = new Linear(3, 4);
        Linear out = new Linear(4, 2);
    }

    static class LayoutC extends Module {
        Linear fc1 = new Linear(3, 4);
        Sigmoid fc2 = new Sigmoid();
    }

    static class V1 {
        static class Net extends Module {
            Linear fc = new Linear(3, 2);
        }
    }

    static class V2 {
        static class Net extends Module {
            Linear fc = new Linear(3, 2);
        }
    }

    /** A trained-looking model: one forward in training mode moves the BatchNorm running statistics. */
    static Net trainedNet() {
        Net net = new Net();
        net.call(Tensor.randn(8, 4));
        net.calls.reset(Tensor.of(new float[] {1f}).nd());
        return net;
    }

    private Path save(Object obj, String name) {
        Path p = dir.resolve(name);
        Mge.save(obj, p);
        return p;
    }

    /** Saved without the checksum trailer: editing the bytes afterwards would (rightly) fail its CRC32C. */
    private Path saveForEditing(Object obj, String name) {
        Path p = dir.resolve(name);
        Mge.save(obj, p, SaveOptions.builder().checksums(false).build());
        return p;
    }

    private static LoadOptions trust(Class<?> type) {
        return LoadOptions.builder().trust(type).build();
    }

    private static void assertSameState(Module expected, Module actual) {
        Map<String, Tensor> want = expected.stateDict();
        Map<String, Tensor> got = actual.stateDict();
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()));
        for (String k : want.keySet()) {
            assertArrayEquals(want.get(k).shape(), got.get(k).shape(), k);
            assertArrayEquals(want.get(k).toFloatArray(), got.get(k).toFloatArray(), k);
        }
    }

    @Test
    void aTrustedWholeModelComesBackWithEveryTensorAndModeAndTheSameOutputs() {
        Mge.seed(1);
        Net net = trainedNet();
        net.eval();
        Path p = save(net, "net.pkl");
        Object loaded = Mge.load(p, trust(Net.class));
        Net back = assertInstanceOf(Net.class, loaded);
        assertNotSame(net, back);
        assertSameState(net, back);
        assertArrayEquals(net.calls.toFloatArray(), back.calls.toFloatArray(), "a plain-tensor buffer");
        assertTrue(back.modules().stream().noneMatch(Module::training), "every submodule is in eval mode");
        Tensor x = Tensor.randn(5, 4);
        assertArrayEquals(net.call(x).toFloatArray(), back.call(x).toFloatArray(), "identical outputs in eval mode");
        assertTrue(back.parameters().contains(back.scale), "the live Parameter took the value in place");
    }

    @Test
    void theTrainOrEvalModeOfEverySubmoduleIsKept() {
        Net net = new Net();
        net.train();
        net.block.eval();
        net.layers.get(0).eval();
        ((Block) net.layers.get(0)).bn.train();
        Net back = (Net) Mge.load(save(net, "modes.pkl"), trust(Net.class));
        Map<String, Module> want = net.namedModules();
        Map<String, Module> got = back.namedModules();
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertEquals(want.get(k).training(), got.get(k).training(), "mode of `" + k + "`");
        }
        assertFalse(back.block.bn.training());
        assertTrue(((Block) back.layers.get(0)).bn.training());
    }

    @Test
    void pythonsPickleReadsTheStructureClassesAndArraysWithStubClasses() throws Exception {
        Mge.seed(2);
        Net net = trainedNet();
        net.block.eval();
        Path p = save(net, "net.pkl");
        PythonEnv py = PythonEnv.get("numpy2", "numpy>=2");
        Path script = Path.of(getClass().getResource("whole_model.py").toURI());
        JsonNode out = new ObjectMapper().readTree(py.python(dir, script.toString(), p.toString()));
        assertEquals("org.mge4j.serialization WholeModelTest$Net", out.get("globals").get(0).asText(),
                "the first global is the model's class: the Java package and the binary simple name");
        List<String> globals = new ArrayList<>();
        out.get("globals").forEach(g -> globals.add(g.asText()));
        assertTrue(globals.containsAll(List.of("org.mge4j.serialization WholeModelTest$Block", "org.mge4j.module Linear",
                "org.mge4j.module BatchNorm1d", "numpy.core.multiarray _reconstruct")), globals.toString());
        JsonNode tree = out.get("tree");
        assertEquals("org.mge4j.serialization.WholeModelTest$Net", tree.get("__class__").asText());
        assertTrue(tree.get("training").asBoolean());
        assertFalse(tree.get("block.training").asBoolean());
        assertEquals("org.mge4j.module.Linear", tree.get("layers.1.__class__").asText());
        assertEquals("[3,4]", tree.get("layers.1.weight").get("shape").toString());
        assertEquals("[1,4,1,1]", tree.get("block.bn.running_var").get("shape").toString(), "the live shape, not the state dict's");
        float[] w = net.heads.get("b").weight.toFloatArray();
        JsonNode pyW = tree.get("heads.b.weight").get("values");
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], (float) pyW.get(i).asDouble(), "heads.b.weight[" + i + "]");
        }
    }

    @Test
    void anUntrustedWholeModelIsRefusedWithWhatItIsAndHowToLoadIt() {
        Path p = save(new Net(), "net.pkl");
        RefusedGlobalException e = assertThrows(RefusedGlobalException.class, () -> Mge.load(p));
        assertEquals("org.mge4j.serialization.WholeModelTest$Net", e.global());
        String m = e.getMessage();
        assertTrue(m.contains("the file holds a whole model of class org.mge4j.serialization.WholeModelTest$Net"), m);
        assertTrue(m.contains("Loading it creates an object of that class"), m);
        assertTrue(m.contains("LoadOptions.builder().trust(Net.class)"), m);
        assertTrue(m.contains("model.loadStateDict(Mge.load(path))"), m);
        assertTrue(m.contains("LoadOptions.builder().modelsAsStateDicts()"), m);
    }

    @Test
    void trustByNameFindsTheClassWithTheContextClassLoader() {
        Mge.seed(3);
        Net net = trainedNet();
        Object back = Mge.load(save(net, "net.pkl"),
                LoadOptions.builder().trust("org.mge4j.serialization.WholeModelTest$Net").build());
        assertSameState(net, assertInstanceOf(Net.class, back));
    }

    @Test
    void aRenamedClassFailsWithBothNamesAndPointsToTheStateDict() {
        Path p = save(new V1.Net(), "v1.pkl");
        RefusedGlobalException e = assertThrows(RefusedGlobalException.class, () -> Mge.load(p, trust(V2.Net.class)));
        String m = e.getMessage();
        assertTrue(m.contains("the file holds a whole model of class org.mge4j.serialization.WholeModelTest$V1$Net, "
                + "but the trusted class is org.mge4j.serialization.WholeModelTest$V2$Net"), m);
        assertTrue(m.contains("was renamed or redefined"), m);
        assertTrue(m.contains("Mge.load(path, LoadOptions.builder().modelsAsStateDicts().build())"), m);
        V2.Net fresh = new V2.Net();
        fresh.loadStateDict(Mge.load(p, LoadOptions.builder().modelsAsStateDicts().build()));
        assertArrayEquals(((Map<?, ?>) Mge.load(p, LoadOptions.builder().modelsAsStateDicts().build())).keySet().toArray(),
                fresh.stateDict().keySet().toArray());
    }

    @Test
    void aClassWhoseFieldsChangedFailsListingEveryUnusedAndMissingKey() throws Exception {
        Path p = withClassName(saveForEditing(new LayoutA(), "a.pkl"), "LayoutA", "LayoutB");
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(p, trust(LayoutB.class)));
        String m = e.getMessage();
        assertTrue(m.contains("does not fit class org.mge4j.serialization.WholeModelTest$LayoutB as it is now"), m);
        assertTrue(m.contains("Unused params violate `strict=True`, unused={'fc2.bias', 'fc2.weight'}; "
                + "also missing={'out.bias', 'out.weight'}"), m);
        assertTrue(m.contains("model.loadStateDict(weights, false)"), m);

        Path c = withClassName(saveForEditing(new LayoutA(), "c.pkl"), "LayoutA", "LayoutC");
        e = assertThrows(SerializationException.class, () -> Mge.load(c, trust(LayoutC.class)));
        assertTrue(e.getMessage().contains("`fc2` was saved as a org.mge4j.module.Linear but the class now makes a "
                + "org.mge4j.module.Sigmoid"), e.getMessage());
    }

    @Test
    void aTrustedClassWithADifferentNameIsNamedInTheRefusal() throws Exception {
        Path p = withClassName(saveForEditing(new LayoutA(), "a.pkl"), "LayoutA", "LayoutZ");
        RefusedGlobalException e = assertThrows(RefusedGlobalException.class, () -> Mge.load(p, trust(LayoutA.class)));
        assertTrue(e.getMessage().contains("the trusted classes are [org.mge4j.serialization.WholeModelTest$LayoutA], "
                + "and none is org.mge4j.serialization.WholeModelTest$LayoutZ"), e.getMessage());
    }

    @Test
    void modelsAsStateDictsGivesTheStateDictWithoutTheClassOrTrust() throws Exception {
        Mge.seed(4);
        Net net = trainedNet();
        Path p = withClassName(saveForEditing(net, "net.pkl"), "WholeModelTest$Net", "WholeModelTest$Gon");
        Object sd = Mge.load(p, LoadOptions.builder().modelsAsStateDicts().build());
        Map<?, ?> map = assertInstanceOf(Map.class, sd);
        Map<String, Tensor> want = net.stateDict();
        assertEquals(List.copyOf(want.keySet()), List.copyOf(map.keySet()), "stateDict's keys in stateDict's order");
        for (String k : want.keySet()) {
            Tensor t = (Tensor) map.get(k);
            assertArrayEquals(want.get(k).shape(), t.shape(), k + " (BatchNorm values as (C,))");
            assertArrayEquals(want.get(k).toFloatArray(), t.toFloatArray(), k);
        }
        Net fresh = new Net();
        fresh.loadStateDict(sd);
        assertSameState(net, fresh);
    }

    @Test
    void aWholeModelInsideACheckpointLoadsWithTrustOrAsAStateDict() {
        Mge.seed(5);
        Net net = trainedNet();
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model", net);
        Path p = save(ckpt, "ckpt.pkl");
        assertThrows(RefusedGlobalException.class, () -> Mge.load(p));
        Map<?, ?> back = (Map<?, ?>) Mge.load(p, trust(Net.class));
        assertEquals(3, back.get("epoch"));
        assertSameState(net, (Net) back.get("model"));
        Map<?, ?> weights = (Map<?, ?>) Mge.load(p, LoadOptions.builder().modelsAsStateDicts().build());
        assertEquals(net.stateDict().keySet(), ((Map<?, ?>) weights.get("model")).keySet());
    }

    @Test
    void everyPickleProtocolWritesAndReadsAWholeModel() {
        Mge.seed(6);
        Net net = trainedNet();
        for (int protocol = 2; protocol <= 5; protocol++) {
            Path p = dir.resolve("p" + protocol + ".pkl");
            Mge.save(net, p, SaveOptions.builder().pickleProtocol(protocol).build());
            assertSameState(net, (Net) Mge.load(p, trust(Net.class)));
        }
    }

    @Test
    void aBuiltInLayerAloneIsRefusedAtSaveTimeInFavourOfItsStateDict() {
        for (Module layer : List.of(new Linear(4, 2), new Sequential(new Linear(4, 3), new ReLU()), new ReLU())) {
            SerializationException e = assertThrows(SerializationException.class, () -> save(layer, "layer.pkl"));
            assertTrue(e.getMessage().contains("cannot save a whole " + layer.getClass().getSimpleName() + ": it is a built-in layer"), e.getMessage());
            assertTrue(e.getMessage().contains("Mge.save(model.stateDict(), path)"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("layer.pkl")), "nothing is written");
        }
        SerializationException e = assertThrows(SerializationException.class, () -> save(new Linear(4, 2), "l.pkl"));
        assertTrue(e.getMessage().contains("Linear(in_features=4, out_features=2, bias=True)"), e.getMessage());
    }

    @Test
    void aClassWithoutANoArgumentConstructorIsRefusedAtSaveTime() {
        SerializationException e = assertThrows(SerializationException.class, () -> save(new NeedsArguments(3), "n.pkl"));
        assertTrue(e.getMessage().contains("WholeModelTest$NeedsArguments: it has no constructor without arguments"), e.getMessage());
        assertTrue(e.getMessage().contains("Mge.save(model.stateDict(), path)"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> save(new Inner(), "i.pkl"));
        assertTrue(e.getMessage().contains("an inner class needs its enclosing object: declare it static"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> save(new Module() {
        }, "anon.pkl"));
        assertTrue(e.getMessage().contains("anonymous class"), e.getMessage());
    }

    @Test
    void aWholeModelCannotGoIntoAFileForOtherTools() {
        SerializationException e = assertThrows(SerializationException.class, () -> save(new Net(), "net.pt"));
        assertTrue(e.getMessage().contains("Save model.stateDict() to .pt, or the whole model to .pkl"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> save(new Net(), "net.safetensors"));
        assertTrue(e.getMessage().contains("model.stateDict()"), e.getMessage());
    }

    @Test
    void aModuleReturnedByLoadIsNotAStateDict() {
        Net back = (Net) Mge.load(save(new Net(), "net.pkl"), trust(Net.class));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Net().loadStateDict((Object) back));
        assertTrue(e.getMessage().contains("got a whole Net model"), e.getMessage());
        assertTrue(e.getMessage().contains("model.loadStateDict(loaded.stateDict())"), e.getMessage());
    }

    @Test
    void callingAModelClassInsteadOfCreatingItIsRefused() {
        // a hand-made pickle: org.mge4j.serialization.WholeModelTest$LayoutA() through REDUCE, the way code runs
        byte[] p = ("\u0080\u0002corg.mge4j.serialization\nWholeModelTest$LayoutA\n)R.").getBytes(StandardCharsets.ISO_8859_1);
        RefusedGlobalException e = assertThrows(RefusedGlobalException.class, () -> Mge.load(new java.io.ByteArrayInputStream(p)));
        assertTrue(e.getMessage().contains("called with REDUCE"), e.getMessage());
    }

    /** The file with a class name replaced by another of the same length (the class "renamed" after saving). */
    private static Path withClassName(Path file, String from, String to) throws Exception {
        byte[] b = Files.readAllBytes(file);
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        int hits = 0;
        for (int i = 0; i + f.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, b, i, t.length);
                hits++;
            }
        }
        assertEquals(1, hits, "the class name appears once");
        Path out = file.resolveSibling("renamed-" + file.getFileName());
        Files.write(out, b);
        return out;
    }
}
