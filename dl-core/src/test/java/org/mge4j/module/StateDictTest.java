package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.training.ConvNet;
import org.mge4j.module.Fixtures.MLP;
import org.mge4j.module.Fixtures.MyModule;

/** stateDict / loadStateDict: MegEngine's order, XNorm shapes, test_state_dict, test_shared_param. */
class StateDictTest {

    @Test
    void theTutorialConvNetStateDictPrintsTheSeedKeysAndShapes() {
        ConvNet model = new ConvNet();
        StringJoiner printed = new StringJoiner("\n");
        model.stateDict().forEach((k, v) -> printed.add(k + " " + Tensor.shapeString(v.shape())));
        assertEquals("""
                conv1.bias (1, 10, 1, 1)
                conv1.weight (10, 1, 5, 5)
                conv2.bias (1, 20, 1, 1)
                conv2.weight (20, 10, 5, 5)
                fc1.bias (50,)
                fc1.weight (50, 320)
                fc2.bias (10,)
                fc2.weight (10, 50)""", printed.toString());
    }

    @Test
    void ownTensorsComeBeforeChildrenAndBatchNormValuesAreFlattened() {
        MyModule m = new MyModule();
        Map<String, Tensor> sd = m.stateDict();
        assertEquals(List.of("buff", "param", "bn.bias", "bn.running_mean", "bn.running_var", "bn.weight",
                "i.bn.bias", "i.bn.running_mean", "i.bn.running_var", "i.bn.weight"), List.copyOf(sd.keySet()));
        assertArrayEquals(new long[] {4}, sd.get("bn.running_var").shape());
        assertArrayEquals(new long[] {1, 4, 1, 1}, m.bn.runningVar.shape());
        assertEquals(List.of("bias", "running_mean", "running_var", "weight"),
                List.copyOf(new BatchNorm2d(10).stateDict().keySet()));
        assertArrayEquals(new long[] {10}, new BatchNorm1d(10).stateDict().get("weight").shape());
    }

    @Test
    void aReusedSubmoduleAppearsOnceUnderItsFirstKeyInTheStateDict() {
        // MegEngine's children walk shares one `seen` set, so m.h == m.i is visited as "h" only; it is tensors shared
        // by two different submodules that appear twice

        MyModule m = new MyModule();
        m.h = m.i;
        List<String> keys = List.copyOf(m.stateDict().keySet());
        assertEquals(List.of("buff", "param", "bn.bias", "bn.running_mean", "bn.running_var", "bn.weight",
                "h.bn.bias", "h.bn.running_mean", "h.bn.running_var", "h.bn.weight"), keys);
        assertEquals(5, m.parameters().size());
    }

    @Test
    void stateDictValuesAreDetachedCopies() {
        Linear l = new Linear(2, 3);
        Map<String, Tensor> sd = l.stateDict();
        assertTrue(!(sd.get("weight") instanceof Parameter));
        sd.get("weight").nd().assign(42);
        assertTrue(l.weight.toFloatArray()[0] != 42f);
    }

    /** MegEngine's Simple: two convolutions sharing one weight. */
    static class Simple extends Module {
        Conv2d conv0 = new Conv2d(1, 1, 3, Conv2d.options().bias(false));
        Conv2d conv1 = new Conv2d(1, 1, 3, Conv2d.options().bias(false));

        Simple() {
            conv1.weight = conv0.weight;
        }
    }

    @Test
    void aSharedParameterIsOnceInParametersButUnderBothKeysInTheStateDict() {
        Simple net = new Simple();
        assertSame(net.conv0.weight, net.conv1.weight);
        assertEquals(1, net.parameters().size());
        Map<String, Tensor> sd = net.stateDict();
        assertEquals(List.of("conv0.weight", "conv1.weight"), List.copyOf(sd.keySet()));
        assertArrayEquals(sd.get("conv0.weight").toFloatArray(), sd.get("conv1.weight").toFloatArray());
        Tensor data = Tensor.rand(1, 1, 8, 8);
        assertArrayEquals(net.conv0.call(data).toFloatArray(), net.conv1.call(data).toFloatArray());
    }

    @Test
    void loadingKeepsParameterIdentityAndReproducesPredictions() {
        Mge.seed(7);
        Tensor data = Tensor.rand(2, 28);
        MLP mlp = new MLP();
        Tensor pred0 = mlp.call(data);
        Map<String, Tensor> sd = new LinkedHashMap<>(mlp.stateDict());
        MLP mlp1 = new MLP();
        Parameter w = mlp1.dense0.weight;
        List<Parameter> before = mlp1.parameters();
        sd.put("extra", null);
        mlp1.loadStateDict(sd, false);
        assertSame(w, mlp1.dense0.weight);
        Fixtures.assertSameItems(before, mlp1.parameters());
        assertArrayEquals(pred0.toFloatArray(), mlp1.call(data).toFloatArray(), 5e-6f);
        assertArrayEquals(mlp.dense1.bias.toFloatArray(), mlp1.dense1.bias.toFloatArray());
    }

    @Test
    void strictLoadingReportsUnusedThenMissingKeysWithMegEngineMessages() {
        MLP mlp = new MLP();
        Map<String, Object> sd = new LinkedHashMap<>(mlp.stateDict());
        sd.put("extra", null);
        MLP mlp1 = new MLP();
        StateDictKeyException unused = assertThrows(StateDictKeyException.class, () -> mlp1.loadStateDict(sd));
        assertEquals("Unused params violate `strict=True`, unused={'extra'}", unused.getMessage());
        assertEquals(List.of("extra"), unused.unused());

        sd.remove("extra");
        sd.remove("dense0.bias");
        StateDictKeyException missing = assertThrows(StateDictKeyException.class, () -> mlp1.loadStateDict(sd));
        assertEquals("Missing params violate `strict=True`, missing={'dense0.bias'}", missing.getMessage());
        assertEquals(List.of("dense0.bias"), missing.missing());
    }

    @Test
    void unusedKeysAreReportedBeforeMissingOnesAndOnlyAfterEverythingLoadable() {
        MLP mlp = new MLP();
        Map<String, Object> sd = new LinkedHashMap<>(mlp.stateDict());
        sd.remove("dense1.weight");
        sd.remove("dense0.bias");
        sd.put("zeta", Tensor.zeros(1));
        sd.put("alpha", Tensor.zeros(1));
        MLP target = new MLP();
        StateDictKeyException e = assertThrows(StateDictKeyException.class, () -> target.loadStateDict(sd));
        assertEquals("Unused params violate `strict=True`, unused={'alpha', 'zeta'}; also missing={'dense0.bias', 'dense1.weight'}",
                e.getMessage());
        assertEquals(List.of("dense0.bias", "dense1.weight"), e.missing());
        assertArrayEquals(mlp.dense0.weight.toFloatArray(), target.dense0.weight.toFloatArray());
        assertArrayEquals(mlp.dense1.bias.toFloatArray(), target.dense1.bias.toFloatArray());
    }

    @Test
    void aShapeMismatchStopsTheLoadAtThatKeyNamingBothShapes() {
        MLP mlp = new MLP();
        Map<String, Object> sd = new LinkedHashMap<>(mlp.stateDict());
        sd.put("dense1.weight", Tensor.zeros(50, 20));
        MLP target = new MLP();
        float[] untouched = target.dense1.weight.toFloatArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(sd));
        assertEquals("param `dense1.weight` shape mismatch, should be (20, 50), get (50, 20)", e.getMessage());
        assertArrayEquals(mlp.dense0.weight.toFloatArray(), target.dense0.weight.toFloatArray());
        assertArrayEquals(mlp.dense1.bias.toFloatArray(), target.dense1.bias.toFloatArray());
        assertArrayEquals(untouched, target.dense1.weight.toFloatArray());
    }

    @Test
    void batchNormValuesOfEqualSizeAreReshapedAndOthersReportTheSize() {
        BatchNorm2d bn = new BatchNorm2d(4);
        Tensor runningMean = bn.runningMean;
        Map<String, Object> sd = new LinkedHashMap<>(bn.stateDict());
        sd.put("running_mean", new float[] {1, 2, 3, 4});
        bn.loadStateDict(sd);
        assertSame(runningMean, bn.runningMean);
        assertArrayEquals(new long[] {1, 4, 1, 1}, bn.runningMean.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, bn.runningMean.toFloatArray());
        sd.put("running_var", new float[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.loadStateDict(sd));
        assertEquals("param `running_var` size mismatch, should be 4, get 3", e.getMessage());
    }

    @Test
    void float64AndNestedArrayValuesLoadAsFloat32() {
        Linear l = new Linear(2, 2);
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("weight", Tensor.of(new double[][] {{1, 2}, {3, 4}}, DType.FLOAT64));
        sd.put("bias", new double[] {5, 6});
        l.loadStateDict(sd);
        assertEquals(DType.FLOAT32, l.weight.dtype());
        assertEquals(DType.FLOAT32, l.bias.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4}, l.weight.toFloatArray());
        assertArrayEquals(new float[] {5, 6}, l.bias.toFloatArray());
    }

    @Test
    void loadedValuesDoNotAliasTheStateDict() {
        Linear l = new Linear(2, 2);
        Map<String, Tensor> sd = new Linear(2, 2).stateDict();
        l.loadStateDict(sd);
        sd.get("weight").nd().assign(9);
        assertTrue(l.weight.toFloatArray()[0] != 9f);
    }

    @Test
    void aClosureCanSkipKeysAndMissingOnesAreReported() {
        MLP src = new MLP();
        Map<String, Tensor> sd = src.stateDict();
        MLP target = new MLP();
        float[] keep = target.dense1.weight.toFloatArray();
        target.loadStateDict((k, v) -> k.startsWith("dense1") ? null : sd.get(k), false);
        assertArrayEquals(src.dense0.weight.toFloatArray(), target.dense0.weight.toFloatArray());
        assertArrayEquals(keep, target.dense1.weight.toFloatArray());
        StateDictKeyException e = assertThrows(StateDictKeyException.class,
                () -> target.loadStateDict((k, v) -> k.startsWith("dense1") ? null : sd.get(k)));
        assertEquals("Missing params violate `strict=True`, missing={'dense1.bias', 'dense1.weight'}",
                e.getMessage());
    }

    @Test
    void aClosureMayReshapeUsingTheCurrentTensor() {
        Linear l = new Linear(2, 3);
        l.loadStateDict((k, v) -> Tensor.ones(v.size()).reshape(v.shape()));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, l.weight.toFloatArray());
    }

    @Test
    void passingAPathTeachesToCallMgeLoadFirst() {
        ConvNet model = new ConvNet();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.loadStateDict("convnet.pkl"));
        assertTrue(e.getMessage().contains("model.loadStateDict(Mge.load(\"convnet.pkl\"))"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> model.loadStateDict((Object) Path.of("convnet.pkl")));
        assertTrue(p.getMessage().contains("Mge.load"), p.getMessage());
    }

    @Test
    void anythingButAMapOrClosureIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Linear(1, 1).loadStateDict((Object) 42));
        assertEquals("`state_dict` must load a dict or callable, got java.lang.Integer", e.getMessage());
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> new Linear(1, 1).loadStateDict(Map.of("weight", "x", "bias", new float[] {0})));
        assertTrue(v.getMessage().startsWith("the value for `weight` must be a Tensor"), v.getMessage());
    }

    @Test
    void anObjectMapFromLoadIsAccepted() {
        Linear src = new Linear(2, 2);
        Object loaded = new LinkedHashMap<String, Object>(src.stateDict());
        Linear l = new Linear(2, 2);
        l.loadStateDict(loaded);
        assertArrayEquals(src.weight.toFloatArray(), l.weight.toFloatArray());
    }

    @Test
    void aConvNetRoundTripKeepsIdentityAndTheForward() {
        Mge.seed(3);
        ConvNet a = new ConvNet();
        ConvNet b = new ConvNet();
        Tensor x = Tensor.randn(2, 1, 28, 28);
        Map<String, Parameter> params = b.namedParameters();
        b.loadStateDict(a.stateDict());
        params.forEach((k, p) -> assertSame(p, b.namedParameters().get(k)));
        Tensor ya = a.call(x);
        assertArrayEquals(new long[] {2, 10}, ya.shape());
        assertArrayEquals(ya.toFloatArray(), b.call(x).toFloatArray(), 1e-6f);
    }
}
