package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mge4j.optimizer.Fixtures.grad;
import static org.mge4j.optimizer.Fixtures.initial;
import static org.mge4j.optimizer.Fixtures.param;
import static org.mge4j.optimizer.Fixtures.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** The optimizer state dict: MegEngine's structure, round trips, and loadStateDict's errors. */
class OptimizerStateDictTest {

    /** The parameters of MegEngine's Linear(3, 2) in parameters() order: bias (sorts first), then weight. */
    private static List<Parameter> linear32() {
        return List.of(new Parameter(Tensor.zeros(2)), param(initial(6, 0), 2, 3));
    }

    @Test
    void stateDictHasTheStructureOfTheDocsLinearExample() {
        SGD opt = new SGD(linear32(), 1e-3, 0.9, 1e-4);
        Map<String, Object> sd = opt.stateDict();
        assertEquals(List.of("param_groups", "state"), List.copyOf(sd.keySet()));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) sd.get("param_groups");
        assertEquals(1, groups.size());
        Map<String, Object> expectedGroup = new LinkedHashMap<>();
        expectedGroup.put("lr", 0.001);
        expectedGroup.put("momentum", 0.9);
        expectedGroup.put("weight_decay", 0.0001);
        expectedGroup.put("params", List.of(0, 1));
        assertEquals(expectedGroup, groups.get(0));
        assertEquals(List.copyOf(expectedGroup.keySet()), List.copyOf(groups.get(0).keySet()));
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Tensor>> state = (Map<Integer, Map<String, Tensor>>) sd.get("state");
        assertEquals(List.of(0, 1), List.copyOf(state.keySet()));
        Tensor bias = state.get(0).get("momentum_buffer");
        Tensor weight = state.get(1).get("momentum_buffer");
        assertEquals(List.of("momentum_buffer"), List.copyOf(state.get(0).keySet()));
        assertArrayEquals(new long[] {2}, bias.shape());
        assertArrayEquals(new long[] {2, 3}, weight.shape());
        assertEquals(DType.FLOAT32, bias.dtype());
        assertArrayEquals(new float[6], weight.toFloatArray());
    }

    @Test
    void sgdWithoutMomentumHasAnEmptyState() {
        Map<String, Object> sd = new SGD(linear32(), 0.1).stateDict();
        assertEquals(Map.of(), sd.get("state"));
    }

    @Test
    void idsAreNumberedOverGroupsInOrder() {
        List<Parameter> ps = linear32();
        Parameter extra = param(initial(4, 3), 4);
        SGD opt = new SGD(List.of(ParamGroup.of(extra), ParamGroup.of(ps).with("lr", 0.5)), 0.1, 0.9);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) opt.stateDict().get("param_groups");
        assertEquals(List.of(0), groups.get(0).get("params"));
        assertEquals(List.of(1, 2), groups.get(1).get("params"));
        assertEquals(0.5, groups.get(1).get("lr"));
        assertEquals(List.of("lr", "momentum", "weight_decay", "params"), List.copyOf(groups.get(1).keySet()));
    }

    @Test
    void stateDictValuesAreCopiesThatLaterStepsDoNotChange() {
        List<Parameter> ps = linear32();
        SGD opt = new SGD(ps, 0.1, 0.9);
        Map<String, Object> sd = opt.stateDict();
        ps.get(0).setGrad(Tensor.ones(2));
        opt.step();
        @SuppressWarnings("unchecked")
        Tensor saved = ((Map<Integer, Map<String, Tensor>>) sd.get("state")).get(0).get("momentum_buffer");
        assertArrayEquals(new float[2], saved.toFloatArray());
    }

    private static void stepAll(Optimizer opt, List<Parameter> ps, int k) {
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            p.setGrad(tensor(grad((int) p.size(), k, i), p.shape()));
        }
        opt.step().clearGrad();
    }

    private static List<Parameter> copies(List<Parameter> ps) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(new Parameter(p));
        }
        return out;
    }

    private static void roundTripContinuesIdentically(Function<List<Parameter>, Optimizer> make) {
        List<Parameter> a = linear32();
        Optimizer optA = make.apply(a);
        stepAll(optA, a, 0);
        stepAll(optA, a, 1);
        Map<String, Object> sd = optA.stateDict();

        List<Parameter> b = copies(a);
        Optimizer optB = make.apply(b);
        optB.paramGroups().get(0).set("lr", 123.0);   // must be overwritten by the loaded lr
        optB.loadStateDict(sd);
        assertEquals(optA.paramGroups().get(0).get("lr"), optB.paramGroups().get(0).get("lr"));
        stepAll(optA, a, 2);
        stepAll(optB, b, 2);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray(), "parameter " + i);
        }
        assertEquals(optA.stateDict().toString(), optB.stateDict().toString());
    }

    @Test
    void sgdStateDictRoundTripToANewOptimizerContinuesIdentically() {
        roundTripContinuesIdentically(ps -> new SGD(ps, 0.05, 0.9, 1e-3, true));
    }

    @Test
    void adamStateDictRoundTripToANewOptimizerContinuesIdentically() {
        roundTripContinuesIdentically(ps -> new Adam(ps, 0.01));
        roundTripContinuesIdentically(ps -> new AdamW(ps, 0.01));
    }

    @Test
    void sgdWithoutMomentumLoadsItsOwnStateDict() {
        // MegEngine fails here with a KeyError; an empty state must load.
        roundTripContinuesIdentically(ps -> new SGD(ps, 0.05));
    }

    @Test
    void loadedStateIsCopiedSoChangingTheSavedMapLaterHasNoEffect() {
        List<Parameter> a = linear32();
        SGD optA = new SGD(a, 0.1, 0.9);
        stepAll(optA, a, 0);
        Map<String, Object> sd = optA.stateDict();
        SGD optB = new SGD(copies(a), 0.1, 0.9);
        optB.loadStateDict(sd);
        @SuppressWarnings("unchecked")
        Tensor saved = ((Map<Integer, Map<String, Tensor>>) sd.get("state")).get(0).get("momentum_buffer");
        float[] before = saved.toFloatArray();
        saved.nd().assign(42);
        @SuppressWarnings("unchecked")
        Tensor loaded = ((Map<Integer, Map<String, Tensor>>) optB.stateDict().get("state")).get(0).get("momentum_buffer");
        assertArrayEquals(before, loaded.toFloatArray());
        assertNotSame(saved, loaded);
    }

    @Test
    void loadStateDictRefusesADifferentNumberOfGroups() {
        List<Parameter> ps = linear32();
        Map<String, Object> sd = new SGD(List.of(ParamGroup.of(ps.get(0)), ParamGroup.of(ps.get(1))), 0.1, 0.9).stateDict();
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(copies(ps), 0.1, 0.9).loadStateDict(sd));
        assertEquals("loaded state dict has a different number of parameter groups", e.getMessage());
    }

    @Test
    void loadStateDictRefusesAGroupOfAnotherSize() {
        List<Parameter> ps = linear32();
        Map<String, Object> sd = new SGD(ps, 0.1, 0.9).stateDict();
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(new Parameter(Tensor.zeros(2))), 0.1, 0.9).loadStateDict(sd));
        assertEquals("loaded state dict contains a parameter group that doesn't match the size of optimizer's group", e.getMessage());
    }

    @Test
    void loadStateDictRefusesAGroupWithOtherKeys() {
        List<Parameter> ps = linear32();
        SGD withScheduler = new SGD(ps, 0.1, 0.9);
        new MultiStepLR(withScheduler, List.of(2));
        Map<String, Object> sd = withScheduler.stateDict();
        SGD plain = new SGD(copies(ps), 0.1, 0.9);
        var e = assertThrows(IllegalArgumentException.class, () -> plain.loadStateDict(sd));
        assertTrue(e.getMessage().startsWith("loaded state dict contains a parameter group that doesn't match the keys of optimizer's group"), e.getMessage());
        assertTrue(e.getMessage().contains("initial_lr"), e.getMessage());
        assertEquals(0.1, plain.paramGroups().get(0).getDouble("lr"), "nothing changes when loading fails");
    }

    @Test
    void loadStateDictRefusesAStateOfAnotherSize() {
        List<Parameter> ps = linear32();
        Map<String, Object> sd = new SGD(ps, 0.1, 0.9).stateDict();
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(copies(ps), 0.1).loadStateDict(sd));
        assertEquals("loaded state dict contains a state that doesn't match the size of optimizer's state", e.getMessage());
    }

    @Test
    void loadStateDictNamesAMissingStateTensor() {
        List<Parameter> ps = linear32();
        Map<String, Object> sd = new SGD(ps, 0.1, 0.9).stateDict();
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(copies(ps), 0.1).loadStateDict(sd));
        assertEquals("loaded state dict has no tensor 'exp_avg' for parameter 0 of param_groups[0]; was it saved by another kind of optimizer?", e.getMessage());
    }

    @Test
    void loadStateDictGivenACheckpointSaysWhichEntryToPass() {
        List<Parameter> ps = linear32();
        SGD opt = new SGD(ps, 0.1, 0.9);
        Map<String, Object> checkpoint = Map.of("epoch", 3, "optimizer_state_dict", opt.stateDict());
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(checkpoint));
        assertTrue(e.getMessage().contains("checkpoint.get(\"optimizer_state_dict\")"), e.getMessage());
    }

    @Test
    void loadStateDictAcceptsLongIdsAsAPickleLoaderGivesThem() {
        List<Parameter> ps = linear32();
        SGD a = new SGD(ps, 0.1, 0.9);
        stepAll(a, ps, 0);
        Map<String, Object> sd = a.stateDict();
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Tensor>> st = (Map<Integer, Map<String, Tensor>>) sd.get("state");
        Map<Long, Object> longState = new LinkedHashMap<>();
        st.forEach((k, v) -> longState.put((long) k, v));
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", 0.1);
        group.put("momentum", 0.9);
        group.put("weight_decay", 0.0);
        group.put("params", List.of(0L, 1L));
        SGD b = new SGD(copies(ps), 0.1, 0.9);
        b.loadStateDict(Map.of("param_groups", List.of(group), "state", longState));
        assertEquals(a.stateDict().toString(), b.stateDict().toString());
    }
}
