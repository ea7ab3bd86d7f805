package org.mge4j.optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The base of learning-rate schedulers, as MegEngine's {@code LRScheduler}: it keeps each group's starting lr
 * as {@code "initial_lr"} in the group and sets {@code group["lr"]} from {@link #getLr()} on every
 * {@link #step()}. Call {@code scheduler.step()} once per epoch.
 *
 * <p>A subclass sets its own fields and then calls {@link #start()} at the end of its constructor (Java runs the
 * base constructor before subclass fields are set, so the base cannot take the first step itself).
 */
public abstract class LRScheduler {
    /** The optimizer whose groups this scheduler drives. */
    protected final Optimizer optimizer;
    /** The lr of each group at the start ({@code "initial_lr"}). */
    protected final List<Double> baseLrs;
    /** The current epoch: -1 before the first step, 0 after the constructor. */
    protected int currentEpoch;

    /**
     * Records the starting learning rates.
     *
     * @param currentEpoch -1 to start fresh (sets {@code "initial_lr"} from {@code "lr"}); another value to resume,
     *                     which requires every group to have {@code "initial_lr"} already
     * @throws IllegalArgumentException when resuming and a group has no {@code "initial_lr"}
     */
    protected LRScheduler(Optimizer optimizer, int currentEpoch) {
        if (optimizer == null) {
            throw new IllegalArgumentException("a learning rate scheduler needs an Optimizer, got null");
        }
        this.optimizer = optimizer;
        this.currentEpoch = currentEpoch;
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            if (currentEpoch == -1) {
                g.setDefault("initial_lr", g.get("lr"));
            } else if (!g.containsKey("initial_lr")) {
                throw new IllegalArgumentException("param 'initial_lr' is not specified in param_groups[" + i
                        + "] when resuming an optimizer");
            }
        }
        List<Double> lrs = new ArrayList<>();
        for (ParamGroup g : groups) {
            lrs.add(g.getDouble("initial_lr"));
        }
        this.baseLrs = Collections.unmodifiableList(lrs);
    }

    /** Takes the first step, as MegEngine's constructor does; subclasses call it last in their constructor. */
    protected final void start() {
        step();
    }

    /** The learning rate of each group at {@link #currentEpoch()}. */
    public abstract List<Double> getLr();

    /** The scheduler's own state, to save next to the optimizer's. */
    public abstract Map<String, Object> stateDict();

    /** Restores the state from {@link #stateDict()}. */
    public abstract void loadStateDict(Map<String, ?> state);

    /** The current epoch. */
    public int currentEpoch() {
        return currentEpoch;
    }

    /** Advances one epoch and sets each group's lr. */
    public void step() {
        setEpoch(currentEpoch + 1);
    }

    /** Jumps to {@code epoch} and sets each group's lr. */
    public void step(int epoch) {
        setEpoch(epoch);
    }

    private void setEpoch(int epoch) {
        currentEpoch = epoch;
        List<Double> lrs = getLr();
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size() && i < lrs.size(); i++) {
            groups.get(i).set("lr", lrs.get(i));
        }
    }
}
