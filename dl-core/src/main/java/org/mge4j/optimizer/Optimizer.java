package org.mge4j.optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The base of every optimizer, with MegEngine's rules: parameters come as an iterable of {@link Parameter}s or
 * of parameter groups ({@link ParamGroup} or maps with {@code "params"}); {@link #step()} updates every
 * parameter that has a gradient and returns this optimizer, so {@code optimizer.step().clearGrad()} chains;
 * {@link #stateDict()} and {@link #loadStateDict(Map)} use MegEngine's structure.
 *
 * <p>Updates run outside autodiff and replace each parameter's data with {@link Tensor#reset}, so the
 * {@code Parameter} objects a module holds stay the same and arrays taken from them earlier (a state dict) are
 * not changed. Gradients are never modified by {@code step()}.
 *
 * <p>Subclasses declare their hyperparameters as defaults (in the order groups show them), create their state
 * per group in {@link #createState(ParamGroup)} and update one group in {@link #updates(ParamGroup)}.
 */
public abstract class Optimizer {
    /** The default of a hyperparameter that every group must give itself (MegEngine's {@code required}). */
    protected static final Object REQUIRED = new Object() {
        @Override
        public String toString() {
            return "<required parameter>";
        }
    };

    private final LinkedHashMap<String, Object> defaults;
    private final List<ParamGroup> paramGroups = new ArrayList<>();
    // Tensor does not override equals/hashCode, so this map is keyed by identity, in insertion order as MegEngine's dict.
    private final LinkedHashMap<Parameter, LinkedHashMap<String, Tensor>> state = new LinkedHashMap<>();

    /**
     * Builds the groups from {@code params} and creates each group's state.
     *
     * @param params   Parameters, or parameter groups ({@link ParamGroup} or {@code Map<String, ?>} with "params")
     * @param defaults hyperparameter defaults in order; a value {@link #REQUIRED} must be given by every group
     * @throws IllegalArgumentException for an empty list, mixed element kinds, a non-Parameter, a parameter in
     *                                  two groups, or a missing required hyperparameter
     */
    protected Optimizer(Iterable<?> params, Map<String, Object> defaults) {
        this.defaults = new LinkedHashMap<>(defaults);
        if (params == null) {
            throw new IllegalArgumentException("params argument given to the optimizer should be an Iterable of Parameters or of parameter groups, got null");
        }
        checkOrdered(params);
        List<Object> items = new ArrayList<>();
        params.forEach(items::add);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        boolean groups = isGroup(items.get(0));
        for (Object item : items) {
            if (isGroup(item) != groups) {
                throw new IllegalArgumentException("types of params argument given to the optimizer should be same: got both parameters and parameter groups");
            }
        }
        if (groups) {
            for (Object item : items) {
                addGroup(item);
            }
        } else {
            addParamGroup(ParamGroup.of(items));
        }
    }

    private static boolean isGroup(Object o) {
        return o instanceof ParamGroup || o instanceof Map;
    }

    private void addGroup(Object item) {
        if (item instanceof ParamGroup g) {
            addParamGroup(g);
        } else {
            @SuppressWarnings("unchecked")
            Map<String, ?> m = (Map<String, ?>) item;
            addParamGroup(m);
        }
    }

    // A HashSet has no stable order, and state dict ids follow the order of the parameters.
    private static void checkOrdered(Object params) {
        if (params instanceof Set && !(params instanceof LinkedHashSet) && !(params instanceof SortedSet)) {
            throw new IllegalArgumentException("params argument given to the optimizer should be an ordered collection (a List), but got an unordered "
                    + params.getClass().getSimpleName() + "; the state dict numbers parameters in order, so pass a List");
        }
    }

    /** Checks that every element is a Parameter and returns them as a list. */
    static List<Parameter> checkParameters(Iterable<?> params) {
        checkOrdered(params);
        List<Parameter> out = new ArrayList<>();
        for (Object p : params) {
            if (!(p instanceof Parameter param)) {
                throw new IllegalArgumentException("optimizer can only optimize Parameters, but one of the params is "
                        + (p == null ? "null" : p.getClass().getName())
                        + (p instanceof Tensor ? "; wrap it as new Parameter(tensor) or take model.parameters()" : ""));
            }
            out.add(param);
        }
        return out;
    }

    /** Adds a group given as a MegEngine-style map ({@code "params"} plus hyperparameters). */
    public void addParamGroup(Map<String, ?> group) {
        Map<String, ?> ordered = group;
        if (!(group instanceof LinkedHashMap) && !(group instanceof SortedMap)) {
            // Map.of has no defined order: show the defaults' order, then other keys by name, so state dicts are stable.
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put(ParamGroup.PARAMS, group.get(ParamGroup.PARAMS));
            defaults.keySet().stream().filter(group::containsKey).forEach(k -> m.put(k, group.get(k)));
            group.keySet().stream().sorted().forEach(k -> m.putIfAbsent(k, group.get(k)));
            ordered = m;
        }
        addParamGroup(ParamGroup.fromMap(ordered));
    }

    /**
     * Adds a parameter group: each missing hyperparameter takes its default (in the defaults' order), then the
     * group's state is created.
     *
     * @throws IllegalArgumentException when a required hyperparameter is missing or a parameter is already in a group
     */
    public void addParamGroup(ParamGroup group) {
        for (Map.Entry<String, Object> d : defaults.entrySet()) {
            if (d.getValue() == REQUIRED && !group.containsKey(d.getKey())) {
                throw new IllegalArgumentException("parameter group didn't specify a value of required optimization parameter " + d.getKey());
            }
        }
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : paramGroups) {
            seen.addAll(g.params());
        }
        Set<Parameter> own = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : group.params()) {
            if (seen.contains(p) || !own.add(p)) {
                throw new IllegalArgumentException("some parameters appear in more than one parameter group (a parameter of shape "
                        + Tensor.shapeString(p.shape()) + " is given twice)");
            }
        }
        for (Map.Entry<String, Object> d : defaults.entrySet()) {
            group.setDefault(d.getKey(), d.getValue());
        }
        paramGroups.add(group);
        createState(group);
    }

    /** The parameter groups, in order; change a group's hyperparameters with {@link ParamGroup#set}. */
    public List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(paramGroups);
    }

    /** Creates the state (momentum buffers, moments, ...) of the parameters of a newly added group. */
    protected abstract void createState(ParamGroup group);

    /** Updates the parameters of one group that have a gradient. */
    protected abstract void updates(ParamGroup group);

    /** Adds a state entry for a parameter; {@code initial} becomes the optimizer's own tensor. */
    protected final void addState(Parameter param, String name, Tensor initial) {
        state.computeIfAbsent(param, k -> new LinkedHashMap<>()).put(name, initial);
    }

    /** A state entry of a parameter, or null when it has none. */
    protected final Tensor state(Parameter param, String name) {
        Map<String, Tensor> s = state.get(param);
        return s == null ? null : s.get(name);
    }

    /**
     * Updates every parameter that has a gradient, group by group, and returns this optimizer.
     * Parameters whose {@code grad()} is null are skipped; gradients are not changed.
     */
    public Optimizer step() {
        for (ParamGroup g : paramGroups) {
            updates(g);
        }
        return this;
    }

    /** Sets every parameter's gradient to null (MegEngine's {@code clear_grad}); call it after each step. */
    public void clearGrad() {
        for (ParamGroup g : paramGroups) {
            for (Parameter p : g.params()) {
                p.setGrad(null);
            }
        }
    }

    /**
     * Sets every existing gradient to zeros.
     *
     * @deprecated as in MegEngine: use {@link #clearGrad()}, which frees the gradients instead
     */
    @Deprecated
    public void zeroGrad() {
        for (ParamGroup g : paramGroups) {
            for (Parameter p : g.params()) {
                if (p.grad() != null) {
                    p.setGrad(Tensor.zerosLike(p.grad()));
                }
            }
        }
    }

    /**
     * The optimizer's state in MegEngine's structure:
     * <pre>{@code
     * {"param_groups": [{"lr": 0.001, "momentum": 0.9, "weight_decay": 0.0001, "params": [0, 1]}],
     *  "state": {0: {"momentum_buffer": Tensor}, 1: {"momentum_buffer": Tensor}}}
     * }</pre>
     * Parameters are numbered from 0 over the groups in order; each group lists its hyperparameters in order
     * and then {@code "params"}. State tensors are copies.
     */
    public Map<String, Object> stateDict() {
        Map<Parameter, Integer> ids = new IdentityHashMap<>();
        for (ParamGroup g : paramGroups) {
            for (Parameter p : g.params()) {
                ids.putIfAbsent(p, ids.size());
            }
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ParamGroup g : paramGroups) {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            for (String k : g.keys()) {
                if (!k.equals(ParamGroup.PARAMS)) {
                    m.put(k, g.get(k));
                }
            }
            List<Integer> pids = new ArrayList<>();
            for (Parameter p : g.params()) {
                pids.add(ids.get(p));
            }
            m.put(ParamGroup.PARAMS, pids);
            groups.add(m);
        }
        LinkedHashMap<Integer, Map<String, Tensor>> st = new LinkedHashMap<>();
        for (Map.Entry<Parameter, LinkedHashMap<String, Tensor>> e : state.entrySet()) {
            LinkedHashMap<String, Tensor> copy = new LinkedHashMap<>();
            e.getValue().forEach((k, v) -> copy.put(k, v.copy()));
            st.put(ids.get(e.getKey()), copy);
        }
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        out.put("param_groups", groups);
        out.put("state", st);
        return out;
    }

    /**
     * Loads a state from {@link #stateDict()} (possibly through {@code Mge.save}/{@code Mge.load}): the saved
     * hyperparameters replace the groups' ones and the saved state tensors are copied in. Everything is checked
     * before anything changes.
     *
     * @throws IllegalArgumentException with MegEngine's messages when the group count, a group's size or keys, or
     *                                  the state size differ; or when a state entry is missing or has another shape
     */
    public void loadStateDict(Map<String, ?> stateDict) {
        if (stateDict == null || !(stateDict.get("param_groups") instanceof List<?> savedGroups)
                || !(stateDict.get("state") instanceof Map<?, ?> savedState)) {
            throw new IllegalArgumentException("an optimizer state dict is a map with \"param_groups\" (a list) and \"state\" (a map), as optimizer.stateDict() returns; got "
                    + (stateDict == null ? "null" : "keys " + stateDict.keySet())
                    + ". From a checkpoint, pass checkpoint.get(\"optimizer_state_dict\")");
        }
        if (savedGroups.size() != paramGroups.size()) {
            throw new IllegalArgumentException("loaded state dict has a different number of parameter groups");
        }
        Map<Long, Map<?, ?>> savedById = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : savedState.entrySet()) {
            if (!(e.getKey() instanceof Number id) || !(e.getValue() instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException("the \"state\" of an optimizer state dict maps parameter ids (integers) to maps of tensors, got "
                        + e.getKey() + " -> " + (e.getValue() == null ? "null" : e.getValue().getClass().getSimpleName()));
            }
            savedById.put(id.longValue(), entry);
        }
        Map<Tensor, INDArray> newValues = new IdentityHashMap<>();
        List<Map<?, ?>> savedMaps = new ArrayList<>();
        for (int gi = 0; gi < paramGroups.size(); gi++) {
            ParamGroup group = paramGroups.get(gi);
            if (!(savedGroups.get(gi) instanceof Map<?, ?> saved) || !(saved.get(ParamGroup.PARAMS) instanceof List<?> savedIds)) {
                throw new IllegalArgumentException("param_groups[" + gi + "] of the loaded state dict is not a map with a \"params\" list");
            }
            if (savedIds.size() != group.params().size()) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
            }
            for (int i = 0; i < savedIds.size(); i++) {
                Parameter p = group.params().get(i);
                Map<String, Tensor> own = state.get(p);
                if (own == null) {
                    continue;
                }
                Object idObj = savedIds.get(i);
                Map<?, ?> savedEntry = idObj instanceof Number n ? savedById.get(n.longValue()) : null;
                for (Map.Entry<String, Tensor> e : own.entrySet()) {
                    Object v = savedEntry == null ? null : savedEntry.get(e.getKey());
                    INDArray arr = v instanceof Tensor t ? t.nd() : v instanceof INDArray a ? a : null;
                    if (arr == null) {
                        throw new IllegalArgumentException("loaded state dict has no tensor '" + e.getKey() + "' for parameter " + idObj
                                + " of param_groups[" + gi + "]; was it saved by another kind of optimizer?");
                    }
                    if (!java.util.Arrays.equals(arr.shape(), e.getValue().shape())) {
                        throw new IllegalArgumentException("loaded state '" + e.getKey() + "' of parameter " + idObj + " has shape "
                                + Tensor.shapeString(arr.shape()) + ", but the optimizer's is " + Tensor.shapeString(e.getValue().shape()));
                    }
                    newValues.put(e.getValue(), arr);
                }
            }
            if (!saved.keySet().equals(group.keys())) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the keys of optimizer's group"
                        + " (saved " + saved.keySet() + ", optimizer " + group.keys() + ")");
            }
            savedMaps.add(saved);
        }
        if (state.size() != savedState.size()) {
            throw new IllegalArgumentException("loaded state dict contains a state that doesn't match the size of optimizer's state");
        }
        for (int gi = 0; gi < paramGroups.size(); gi++) {
            ParamGroup group = paramGroups.get(gi);
            for (String k : group.keys()) {
                if (!k.equals(ParamGroup.PARAMS)) {
                    group.set(k, savedMaps.get(gi).get(k));
                }
            }
        }
        // New tensors, as MegEngine builds new ones; the optimizer's dtype is kept.
        for (LinkedHashMap<String, Tensor> own : state.values()) {
            own.replaceAll((k, t) -> {
                INDArray arr = newValues.get(t);
                return arr == null ? t : Tensor.wrap(arr.castTo(t.nd().dataType()).dup('c'));
            });
        }
    }

    /** Reads a pair hyperparameter such as Adam's {@code betas}, stored as a list of two numbers. */
    static double[] pair(ParamGroup group, String key) {
        Object v = group.get(key);
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
            return new double[] {a.doubleValue(), b.doubleValue()};
        }
        if (v instanceof double[] d && d.length == 2) {
            return d.clone();
        }
        if (v instanceof Object[] o && o.length == 2 && o[0] instanceof Number a && o[1] instanceof Number b) {
            return new double[] {a.doubleValue(), b.doubleValue()};
        }
        throw new IllegalArgumentException("hyperparameter '" + key + "' must be a pair of numbers such as List.of(0.9, 0.999), got " + v);
    }

    /** The groups' hyperparameters, one group after another: {@code SGD (Parameter Group 0 lr: 0.01 ...)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append(" (");
        for (int i = 0; i < paramGroups.size(); i++) {
            sb.append("\n    Parameter Group ").append(i);
            for (String k : paramGroups.get(i).keys()) {
                if (!k.equals(ParamGroup.PARAMS)) {
                    sb.append("\n        ").append(k).append(": ").append(paramGroups.get(i).get(k));
                }
            }
        }
        return sb.append("\n)").toString();
    }
}
