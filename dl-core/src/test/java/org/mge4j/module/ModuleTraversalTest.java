package org.mge4j.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mge4j.module.Fixtures.assertSameItems;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.module.Fixtures.Inner;
import org.mge4j.module.Fixtures.MyModule;

/** MegEngine's test_module.py: iteration order, naming of nested structures, train/eval, apply. */
class ModuleTraversalTest {

    @Test
    void iteratorsFollowSortedAttributeNamesAsMegEngineTestModuleApi() {
        MyModule m = new MyModule();
        assertSameItems(List.of(m.bn, m.i), m.children());
        assertEquals(List.of("bn", "i"), List.copyOf(m.namedChildren().keySet()));
        assertSameItems(List.of(m, m.bn, m.i, m.i.bn), m.modules());
        assertEquals(List.of("", "bn", "i", "i.bn"), List.copyOf(m.namedModules().keySet()));
        assertSameItems(List.of(m, m.bn, m.i, m.i.bn), List.copyOf(m.namedModules().values()));
        assertEquals(List.of("x", "x.bn", "x.i", "x.i.bn"), List.copyOf(m.namedModules("x").keySet()));
        assertSameItems(List.of(m.bn.runningMean, m.bn.runningVar, m.buff, m.i.bn.runningMean, m.i.bn.runningVar),
                m.buffers());
        assertSameItems(List.of(m.buff), m.buffers(false));
        assertEquals(List.of("bn.running_mean", "bn.running_var", "buff", "i.bn.running_mean", "i.bn.running_var"),
                List.copyOf(m.namedBuffers().keySet()));
        assertSameItems(List.of(m.bn.bias, m.bn.weight, m.i.bn.bias, m.i.bn.weight, m.param), m.parameters());
        assertEquals(List.of("bn.bias", "bn.weight", "i.bn.bias", "i.bn.weight", "param"),
                List.copyOf(m.namedParameters().keySet()));
        assertSameItems(List.of(m.bn.bias, m.bn.weight, m.i.bn.bias, m.i.bn.weight, m.param),
                List.copyOf(m.namedParameters().values()));
        assertEquals(List.of("bn.bias", "bn.running_mean", "bn.running_var", "bn.weight", "buff", "i.bn.bias",
                "i.bn.running_mean", "i.bn.running_var", "i.bn.weight", "param"),
                List.copyOf(m.namedTensors().keySet()));
        assertEquals(List.of("p.param"), List.copyOf(m.namedParameters("p", false).keySet()));
    }

    @Test
    void evalAndTrainRecurseAndSubtreeTrainOnlyTouchesTheSubtree() {
        MyModule m = new MyModule();
        m.eval();
        assertFalse(m.training() || m.bn.training() || m.i.training() || m.i.bn.training());
        m.bn.train();
        assertTrue(!m.training() && m.bn.training() && !m.i.bn.training());
        m.eval();
        m.i.train();
        assertTrue(!m.training() && !m.bn.training() && m.i.training() && m.i.bn.training());
        m.eval();
        m.train();
        assertTrue(m.training() && m.bn.training() && m.i.bn.training());
        m.train(false, false);
        assertTrue(!m.training() && m.bn.training() && m.i.training());
        m.apply(x -> x.train(false, false));
        assertFalse(m.bn.training() || m.i.bn.training());
    }

    @Test
    void applyVisitsEveryModuleInModulesOrder() {
        MyModule m = new MyModule();
        List<Module> seen = new ArrayList<>();
        m.apply(seen::add);
        assertSameItems(m.modules(), seen);
    }

    @Test
    void aReusedSubmoduleIsReportedOnceUnderItsFirstSortedKey() {
        MyModule m = new MyModule();
        m.h = m.i;
        assertSameItems(List.of(m, m.bn, m.i, m.i.bn), m.modules());
        assertEquals(List.of("", "bn", "h", "h.bn"), List.copyOf(m.namedModules().keySet()));
    }

    @Test
    void iterationOrderIsStableOverRepeatedCalls() {
        MyModule m = new MyModule();
        List<Module> first = m.modules();
        List<String> keys = List.copyOf(m.namedTensors().keySet());
        for (int n = 0; n < 100; n++) {
            assertSameItems(first, m.modules());
            assertEquals(keys, List.copyOf(m.namedTensors().keySet()));
        }
    }

    /** MegEngine's MyModule2.InnerModule: a map with non-String keys but no tensors is fine. */
    static class Inner2 extends Module {
        BatchNorm2d bn = new BatchNorm2d(4);
        Map<Boolean, Integer> testBoolKey = Map.of(true, 1, false, 0);
    }

    /** MegEngine's MyModule2: a list holding a module, a map and a tuple-like array. */
    static class MyModule2 extends Module {
        BatchNorm2d bn = new BatchNorm2d(4);
        List<Object> a = List.of(
                new BatchNorm2d(4),
                Map.of("x", new BatchNorm2d(4), "y", List.of(new BatchNorm2d(4), new Inner2()), "z", 0),
                new Object[] {new Inner2()});
    }

    @Test
    void nestedListsMapsAndArraysExpandToDottedKeysAsMegEngineExpandStructure() {
        MyModule2 m = new MyModule2();
        @SuppressWarnings("unchecked")
        Map<String, Object> a1 = (Map<String, Object>) m.a.get(1);
        List<?> y = (List<?>) a1.get("y");
        Inner2 a20 = (Inner2) ((Object[]) m.a.get(2))[0];
        Map<String, Module> named = m.namedModules();
        assertEquals(List.of("", "a.0", "a.1.x", "a.1.y.0", "a.1.y.1", "a.1.y.1.bn", "a.2.0", "a.2.0.bn", "bn"),
                List.copyOf(named.keySet()));
        assertSameItems(List.of(m, m.a.get(0), a1.get("x"), y.get(0), y.get(1), ((Inner2) y.get(1)).bn, a20,
                a20.bn, m.bn), List.copyOf(named.values()));
    }

    @Test
    void namedModulesWithParentGivesTheHolderOfEachModule() {
        MyModule2 m = new MyModule2();
        List<Map.Entry<String, Map.Entry<Module, Module>>> rows = m.namedModulesWithParent();
        assertEquals("", rows.get(0).getKey());
        assertNull(rows.get(0).getValue().getValue());
        Map.Entry<String, Map.Entry<Module, Module>> a11bn = rows.get(5);
        assertEquals("a.1.y.1.bn", a11bn.getKey());
        @SuppressWarnings("unchecked")
        Module holder = (Module) ((List<?>) ((Map<String, Object>) m.a.get(1)).get("y")).get(1);
        assertSame(holder, a11bn.getValue().getValue());
        assertSame(m, rows.get(1).getValue().getValue());
    }

    @Test
    void valuesThatAreNotTensorsOrModulesNeverYield() {
        MyModule2 m = new MyModule2();
        List<Attributes.Entry> out = new ArrayList<>();
        Attributes.flatten(m, true, null, o -> !(o instanceof Tensor) && !(o instanceof Module),
                Attributes.seenFrom(m), out);
        assertEquals(List.of(), out);
    }

    /** MegEngine's AssertModule. */
    static class AssertModule extends Module {
        Map<Boolean, Object> errorTensorKey = Map.of(true, Tensor.of(new float[] {1f}), false, 0);
    }

    @Test
    void aMapWithANonStringKeyHoldingATensorIsRefusedWithMegEngineMessage() {
        AssertModule m = new AssertModule();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m::namedTensors);
        assertTrue(e.getMessage().startsWith("keys for Tensor and Module must be str, error key: true"),
                e.getMessage());
    }

    /** MegEngine's MyModule3. */
    static class MyModule3 extends Module {
        BatchNorm2d bn = new BatchNorm2d(4);
        Sequential seq = new Sequential(new BatchNorm2d(4), new Inner());
    }

    @Test
    void sequentialLayersAreNamedByPosition() {
        MyModule3 m = new MyModule3();
        assertEquals(List.of("", "bn", "seq", "seq.0", "seq.1", "seq.1.bn"), List.copyOf(m.namedModules().keySet()));
        assertSame(m.seq.get(1), m.namedModules().get("seq.1"));
    }

    @Test
    void namedSequentialSortsChildrenByNameButRunsInInsertionOrder() {
        List<String> log = new ArrayList<>();
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put("name2", new Recorder("name2", log));
        layers.put("name0", new Recorder("name0", log));
        layers.put("name1", new Recorder("name1", log));
        Sequential s = new Sequential(layers);
        assertEquals(List.of("name0", "name1", "name2"), List.copyOf(s.namedChildren().keySet()));
        s.call(Tensor.zeros(1));
        assertEquals(List.of("name2", "name0", "name1"), log);
        assertEquals(List.of("name2", "name0", "name1"), s.layerKeys());
    }

    @Test
    void sequentialWithElevenLayersOrdersKeysAsStrings() {
        Linear[] layers = new Linear[11];
        for (int n = 0; n < 11; n++) {
            layers[n] = new Linear(2, 2);
        }
        Sequential s = new Sequential(layers);
        assertEquals(List.of("0", "1", "10", "2", "3", "4", "5", "6", "7", "8", "9"),
                List.copyOf(s.namedChildren().keySet()));
        List<String> keys = List.copyOf(s.stateDict().keySet());
        assertEquals(List.of("0.bias", "0.weight", "1.bias", "1.weight", "10.bias", "10.weight", "2.bias"),
                keys.subList(0, 7));
        assertSame(layers[10].bias, s.parameters().get(4));
    }

    @Test
    void camelCaseFieldsAreReportedInSnakeCaseUnlessAnnotated() {
        assertEquals("running_mean", Attributes.snakeCase("runningMean"));
        assertEquals("fc1", Attributes.snakeCase("fc1"));
        assertEquals("conv_bn", Attributes.snakeCase("convBN"));
        assertEquals("layer1_conv", Attributes.snakeCase("layer1Conv"));
        assertEquals("html_parser", Attributes.snakeCase("HTMLParser"));
        Named m = new Named();
        assertEquals(List.of("fcOut.bias", "fcOut.weight", "head_layer.bias", "head_layer.weight"),
                List.copyOf(m.namedParameters().keySet()));
    }

    static class Named extends Module {
        Linear headLayer = new Linear(2, 2);
        @AttributeName("fcOut")
        Linear fcOut = new Linear(2, 2);
        transient Linear cache = new Linear(2, 2);
        static Linear shared = new Linear(2, 2);
    }

    @Test
    void aNullFieldIsSkippedLikeMegEngineNone() {
        Linear l = new Linear(3, 2, false);
        assertEquals(List.of("weight"), List.copyOf(l.stateDict().keySet()));
        assertNull(l.bias);
    }

    /** A layer that logs its name, for run-order checks. */
    static class Recorder extends Module {
        private final String name;
        private final List<String> log;

        Recorder(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public Tensor forward(Tensor x) {
            log.add(name);
            return x;
        }
    }

    @Test
    void parametersOfASharedTensorAppearOnce() {
        Linear a = new Linear(2, 2);
        Linear b = new Linear(2, 2);
        b.weight = a.weight;
        Sequential s = new Sequential(a, b);
        List<Parameter> params = s.parameters();
        assertEquals(3, params.size());
        assertEquals(List.of("0.bias", "0.weight", "1.bias"), List.copyOf(s.namedParameters().keySet()));
    }
}
