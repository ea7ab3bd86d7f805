package org.mge4j.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mge4j.optimizer.Fixtures.initial;
import static org.mge4j.optimizer.Fixtures.param;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Parameter;

/** MultiStepLR as MegEngine's test_lr_scheduler.py checks it. */
class MultiStepLRTest {
    private static int bisectRight(int[] a, int x) {
        int n = 0;
        while (n < a.length && a[n] <= x) {
            n++;
        }
        return n;
    }

    @Test
    void theLrFollowsTheMilestones368() {
        Parameter w = param(initial(2, 0), 2);
        SGD opt = new SGD(List.of(w), 0.01, 0.9);
        MultiStepLR scheduler = new MultiStepLR(opt, List.of(3, 6, 8));
        int[] milestones = {3, 6, 8};
        for (int i = 0; i < 10; i++) {
            double expected = 0.01 * Math.pow(0.1, bisectRight(milestones, i));
            assertEquals(expected, opt.paramGroups().get(0).getDouble("lr"), 1e-15, "epoch " + i);
            scheduler.step();
        }
        assertEquals(10, scheduler.currentEpoch());
        assertEquals(0.01, opt.paramGroups().get(0).getDouble("initial_lr"));
    }

    @Test
    void theConstructorStepsOnceAndRecordsInitialLrInEveryGroup() {
        Parameter w = param(initial(2, 0), 2);
        Parameter b = param(initial(2, 1), 2);
        SGD opt = new SGD(List.of(ParamGroup.of(w), ParamGroup.of(b).with("lr", 1.0)), 0.1);
        MultiStepLR s = new MultiStepLR(opt, List.of(0, 2), 0.5);
        assertEquals(0, s.currentEpoch());
        assertEquals(List.of(0.05, 0.5), s.getLr());
        assertEquals(0.05, opt.paramGroups().get(0).getDouble("lr"));
        assertEquals(1.0, opt.paramGroups().get(1).getDouble("initial_lr"));
        assertEquals(List.of("params", "lr", "momentum", "weight_decay", "initial_lr"), List.copyOf(opt.paramGroups().get(0).keys()));
        s.step(5);
        assertEquals(0.25, opt.paramGroups().get(1).getDouble("lr"));
    }

    @Test
    void unsortedMilestonesAreRefusedBeforeTheGroupsChange() {
        SGD opt = new SGD(List.of(param(initial(2, 0), 2)), 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiStepLR(opt, List.of(6, 3)));
        assertEquals("Milestones should be a list of increasing integers. Got [6, 3]", e.getMessage());
        assertEquals(false, opt.paramGroups().get(0).containsKey("initial_lr"));
    }

    @Test
    void resumingNeedsInitialLrInTheGroups() {
        SGD opt = new SGD(List.of(param(initial(2, 0), 2)), 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiStepLR(opt, List.of(3), 0.1, 4));
        assertEquals("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer", e.getMessage());
    }

    @Test
    void stateDictRoundTripRestoresTheSchedule() {
        SGD opt = new SGD(List.of(param(initial(2, 0), 2)), 0.1);
        MultiStepLR s = new MultiStepLR(opt, List.of(3, 6, 8));
        s.step();
        s.step();
        Map<String, Object> sd = s.stateDict();
        assertEquals(List.of("milestones", "gamma", "current_epoch"), List.copyOf(sd.keySet()));
        assertEquals(List.of(3, 6, 8), sd.get("milestones"));
        assertEquals(0.1, sd.get("gamma"));
        assertEquals(2, sd.get("current_epoch"));

        SGD opt2 = new SGD(List.of(param(initial(2, 0), 2)), 0.1);
        MultiStepLR s2 = new MultiStepLR(opt2, List.of(1), 0.5);
        s2.loadStateDict(sd);
        s2.step();
        assertEquals(3, s2.currentEpoch());
        assertEquals(0.1 * 0.1, opt2.paramGroups().get(0).getDouble("lr"), 1e-15);
    }

    @Test
    void loadStateDictNamesAMissingKey() {
        SGD opt = new SGD(List.of(param(initial(2, 0), 2)), 0.1);
        MultiStepLR s = new MultiStepLR(opt, List.of(3));
        Map<String, Object> sd = new LinkedHashMap<>(s.stateDict());
        sd.remove("gamma");
        var e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(sd));
        assertEquals("key 'gamma' is not specified in state_dict when loading state dict", e.getMessage());
    }
}
