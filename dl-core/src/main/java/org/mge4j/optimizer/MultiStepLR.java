package org.mge4j.optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiplies each group's learning rate by {@code gamma} at every milestone epoch, as MegEngine's
 * {@code MultiStepLR}: {@code lr = initial_lr * gamma ^ (number of milestones <= epoch)}.
 *
 * <pre>{@code
 * var scheduler = new MultiStepLR(optimizer, List.of(3, 6, 8));   // gamma 0.1
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     train(...);
 *     scheduler.step();
 * }
 * }</pre>
 */
public class MultiStepLR extends LRScheduler {
    private List<Integer> milestones;
    private double gamma;

    /** A schedule with gamma 0.1, starting fresh. */
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones) {
        this(optimizer, milestones, 0.1, -1);
    }

    /** A schedule with the given gamma, starting fresh. */
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma) {
        this(optimizer, milestones, gamma, -1);
    }

    /**
     * A schedule resumed at {@code currentEpoch} (-1 starts fresh). The constructor takes one step, so the lr of
     * epoch {@code currentEpoch + 1} is set at once.
     *
     * @throws IllegalArgumentException when the milestones are not increasing
     */
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma, int currentEpoch) {
        super(optimizer, checkSorted(milestones, currentEpoch));
        this.milestones = List.copyOf(milestones);
        this.gamma = gamma;
        start();
    }

    // Runs before the base constructor touches the groups, as MegEngine checks the milestones first.
    private static int checkSorted(List<Integer> milestones, int currentEpoch) {
        List<Integer> sorted = new ArrayList<>(milestones);
        Collections.sort(sorted);
        if (!sorted.equals(milestones)) {
            throw new IllegalArgumentException("Milestones should be a list of increasing integers. Got " + milestones);
        }
        return currentEpoch;
    }

    /** The milestone epochs. */
    public List<Integer> milestones() {
        return milestones;
    }

    /** The factor applied at each milestone. */
    public double gamma() {
        return gamma;
    }

    /** {@code base_lr * gamma ^ bisect_right(milestones, current_epoch)} for each group. */
    @Override
    public List<Double> getLr() {
        int passed = 0;
        while (passed < milestones.size() && milestones.get(passed) <= currentEpoch) {
            passed++;
        }
        List<Double> out = new ArrayList<>();
        for (double base : baseLrs) {
            out.add(base * Math.pow(gamma, passed));
        }
        return out;
    }

    /** {@code {"milestones": [...], "gamma": g, "current_epoch": e}}, as MegEngine. */
    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("milestones", milestones);
        m.put("gamma", gamma);
        m.put("current_epoch", currentEpoch);
        return m;
    }

    /**
     * Restores milestones, gamma and current epoch; the groups' lr changes at the next {@link #step()}.
     *
     * @throws IllegalArgumentException when one of the three keys is missing or has the wrong type
     */
    @Override
    public void loadStateDict(Map<String, ?> state) {
        for (String key : List.of("milestones", "gamma", "current_epoch")) {
            if (!state.containsKey(key)) {
                throw new IllegalArgumentException("key '" + key + "' is not specified in state_dict when loading state dict");
            }
        }
        if (!(state.get("milestones") instanceof List<?> ms) || !(state.get("gamma") instanceof Number g)
                || !(state.get("current_epoch") instanceof Number e)) {
            throw new IllegalArgumentException("a MultiStepLR state dict has milestones (a list of integers), gamma (a number) and current_epoch (an integer), got "
                    + state);
        }
        List<Integer> loaded = new ArrayList<>();
        for (Object o : ms) {
            if (!(o instanceof Number n)) {
                throw new IllegalArgumentException("milestones must be integers, got " + ms);
            }
            loaded.add(n.intValue());
        }
        checkSorted(loaded, 0);
        this.milestones = List.copyOf(loaded);
        this.gamma = g.doubleValue();
        this.currentEpoch = e.intValue();
    }
}
