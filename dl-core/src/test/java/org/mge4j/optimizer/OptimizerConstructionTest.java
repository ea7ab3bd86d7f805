package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mge4j.optimizer.Fixtures.initial;
import static org.mge4j.optimizer.Fixtures.param;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** How optimizers take parameters and groups, and the errors MegEngine gives for bad ones. */
class OptimizerConstructionTest {

    @Test
    void anEmptyParameterListIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1));
        assertEquals("optimizer got an empty parameter list", e.getMessage());
    }

    @Test
    void aPlainTensorIsRefusedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.zeros(2)), 0.1));
        assertEquals("optimizer can only optimize Parameters, but one of the params is org.mge4j.Tensor; "
                + "wrap it as new Parameter(tensor) or take model.parameters()", e.getMessage());
    }

    @Test
    void aParameterInTwoGroupsIsRefused() {
        Parameter w = param(initial(2, 0), 2);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(ParamGroup.of(w), ParamGroup.of(w)), 0.1));
        assertTrue(e.getMessage().startsWith("some parameters appear in more than one parameter group"), e.getMessage());
        SGD opt = new SGD(List.of(w), 0.1);
        assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(ParamGroup.of(w)));
    }

    @Test
    void aGroupWithoutARequiredLrIsRefused() {
        Parameter w = param(initial(2, 0), 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(ParamGroup.of(w))));
        assertEquals("parameter group didn't specify a value of required optimization parameter lr", e.getMessage());
        SGD ok = new SGD(List.of(ParamGroup.of(w).with("lr", 0.3)));
        assertEquals(0.3, ok.paramGroups().get(0).getDouble("lr"));
    }

    @Test
    void mixingParametersAndGroupsIsRefused() {
        Parameter w = param(initial(2, 0), 2);
        Parameter b = param(initial(2, 1), 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w, ParamGroup.of(b)), 0.1));
        assertTrue(e.getMessage().startsWith("types of params argument given to the optimizer should be same"), e.getMessage());
    }

    @Test
    void anUnorderedSetIsRefusedBecauseStateDictIdsFollowOrder() {
        Parameter w = param(initial(2, 0), 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(new HashSet<>(List.of(w)), 0.1));
        assertTrue(e.getMessage().contains("pass a List"), e.getMessage());
    }

    @Test
    void megEngineStyleMapGroupsGetDefaultsAfterTheirOwnKeys() {
        Parameter w = param(initial(2, 0), 2);
        Parameter b = param(initial(2, 1), 2);
        Map<String, Object> g1 = new LinkedHashMap<>();
        g1.put("params", List.of(w));
        g1.put("weight_decay", 0.5);
        SGD opt = new SGD(List.of(g1, Map.of("params", b, "momentum", 0.8, "lr", 0.2)), 0.1, 0.9);
        assertEquals(List.of("params", "weight_decay", "lr", "momentum"), List.copyOf(opt.paramGroups().get(0).keys()));
        assertEquals(0.9, opt.paramGroups().get(0).getDouble("momentum"));
        // Map.of has no order: the defaults' order is used
        assertEquals(List.of("params", "lr", "momentum", "weight_decay"), List.copyOf(opt.paramGroups().get(1).keys()));
        assertEquals(0.2, opt.paramGroups().get(1).getDouble("lr"));
        assertEquals(0.8, opt.paramGroups().get(1).getDouble("momentum"));
    }

    @Test
    void addParamGroupAddsDefaultsAndStateForTheNewParameters() {
        Parameter w = param(initial(2, 0), 2);
        Parameter b = param(initial(3, 1), 3);
        SGD opt = new SGD(List.of(w), 0.1, 0.9);
        opt.addParamGroup(ParamGroup.of(b).with("lr", 0.01));
        assertEquals(2, opt.paramGroups().size());
        assertEquals(0.9, opt.paramGroups().get(1).getDouble("momentum"));
        @SuppressWarnings("unchecked")
        Map<Integer, ?> state = (Map<Integer, ?>) opt.stateDict().get("state");
        assertEquals(List.of(0, 1), List.copyOf(state.keySet()));
    }

    @Test
    void aGroupsParametersCannotBeReplacedThroughSet() {
        ParamGroup g = ParamGroup.of(param(initial(2, 0), 2));
        var e = assertThrows(IllegalArgumentException.class, () -> g.set("params", List.of()));
        assertTrue(e.getMessage().contains("addParamGroup"), e.getMessage());
    }

    @Test
    void aMissingHyperparameterIsNamedByGetDouble() {
        ParamGroup g = ParamGroup.of(param(initial(2, 0), 2)).with("lr", 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> g.getDouble("momentum"));
        assertEquals("parameter group has no numeric hyperparameter 'momentum' (got nothing); keys are [params, lr]", e.getMessage());
    }
}
