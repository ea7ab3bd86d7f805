package org.mge4j.optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.Parameter;

/**
 * One parameter group of an {@link Optimizer}: the parameters under {@code "params"} and the hyperparameters
 * ({@code "lr"}, {@code "momentum"}, ...) that apply to them, in insertion order, like MegEngine's group dict.
 *
 * <pre>{@code
 * var opt = new SGD(List.of(
 *         ParamGroup.of(model.fc1.parameters()).with("lr", 0.1),
 *         ParamGroup.of(model.fc2.parameters())), 0.01);
 * opt.paramGroups().get(0).set("lr", 0.05);          // group["lr"] = 0.05
 * }</pre>
 *
 * <p>The parameter list is fixed once the group exists; add parameters with
 * {@link Optimizer#addParamGroup(ParamGroup)}.
 */
public final class ParamGroup {
    /** The key under which a group keeps its parameters. */
    public static final String PARAMS = "params";

    private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    private ParamGroup(List<Parameter> params) {
        values.put(PARAMS, Collections.unmodifiableList(new ArrayList<>(params)));
    }

    /**
     * A group holding {@code params}, which must all be {@link Parameter}s.
     *
     * @throws IllegalArgumentException when an element is not a Parameter
     */
    public static ParamGroup of(Iterable<?> params) {
        return new ParamGroup(Optimizer.checkParameters(params));
    }

    /** A group holding the given parameters. */
    public static ParamGroup of(Parameter... params) {
        return new ParamGroup(List.of(params));
    }

    /**
     * A group from a MegEngine-style map: {@code "params"} (a Parameter or an iterable of them) plus
     * hyperparameters, kept in the map's iteration order (use a {@link LinkedHashMap} to choose the order that
     * {@link Optimizer#stateDict()} shows).
     */
    public static ParamGroup fromMap(Map<String, ?> map) {
        if (!map.containsKey(PARAMS)) {
            throw new IllegalArgumentException("a parameter group needs a \"params\" entry with its parameters, got keys "
                    + map.keySet());
        }
        Object p = map.get(PARAMS);
        ParamGroup g = p instanceof Parameter single ? of(single)
                : p instanceof Iterable<?> it ? of(it)
                : null;
        if (g == null) {
            throw new IllegalArgumentException("\"params\" of a parameter group must be a Parameter or an Iterable of Parameters, got "
                    + (p == null ? "null" : p.getClass().getName()));
        }
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (!e.getKey().equals(PARAMS)) {
                g.set(e.getKey(), e.getValue());
            }
        }
        return g;
    }

    /** Sets a hyperparameter and returns this group, for building: {@code ParamGroup.of(ps).with("lr", 0.1)}. */
    public ParamGroup with(String key, Object value) {
        set(key, value);
        return this;
    }

    /** The parameters of this group, in order (unmodifiable). */
    @SuppressWarnings("unchecked")
    public List<Parameter> params() {
        return (List<Parameter>) values.get(PARAMS);
    }

    /** The value under {@code key} ({@code group["lr"]}), or null when the group has no such key. */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * A numeric hyperparameter as a double.
     *
     * @throws IllegalArgumentException when the key is missing or not a number
     */
    public double getDouble(String key) {
        Object v = values.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("parameter group has no numeric hyperparameter '" + key + "' (got "
                + (v == null ? "nothing" : v + " of type " + v.getClass().getSimpleName()) + "); keys are " + keys());
    }

    /**
     * Sets a hyperparameter ({@code group["lr"] = 0.01}); a new key goes to the end of the order.
     *
     * @throws IllegalArgumentException for {@code "params"}: a group's parameters cannot be replaced
     */
    public void set(String key, Object value) {
        if (PARAMS.equals(key)) {
            throw new IllegalArgumentException("the parameters of a group cannot be replaced; create a new ParamGroup and call optimizer.addParamGroup(group)");
        }
        if (key == null || value == null) {
            throw new IllegalArgumentException("a hyperparameter needs a name and a value, got " + key + "=" + value);
        }
        values.put(key, value);
    }

    /** Sets {@code key} to {@code value} only when it is absent (Python's {@code dict.setdefault}). */
    public void setDefault(String key, Object value) {
        if (!values.containsKey(key)) {
            set(key, value);
        }
    }

    /** Whether the group has a value under {@code key}. */
    public boolean containsKey(String key) {
        return values.containsKey(key);
    }

    /** The keys in insertion order, {@code "params"} included. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** A read-only view of the group as a map, in insertion order. */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Like Python's dict repr, with the parameters shown by shape: {@code {params=[(2, 3), (2,)], lr=0.1}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            sb.append(sb.length() == 1 ? "" : ", ").append(e.getKey()).append('=');
            if (e.getKey().equals(PARAMS)) {
                List<String> shapes = new ArrayList<>();
                for (Parameter p : params()) {
                    shapes.add(org.mge4j.Tensor.shapeString(p.shape()));
                }
                sb.append(shapes);
            } else {
                sb.append(e.getValue());
            }
        }
        return sb.append('}').toString();
    }
}
