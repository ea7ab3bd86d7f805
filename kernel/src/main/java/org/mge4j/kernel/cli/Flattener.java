package org.mge4j.kernel.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mge4j.Tensor;

/**
 * Turns what a file holds into the flat name-to-tensor map that .safetensors and .npz store: map keys and list
 * indices are joined with dots ({@code model_state_dict.fc.weight}, {@code param_groups.0.params}), as state dicts
 * name parameters; a bare tensor is named {@code arr_0}, as {@code np.savez} names its first array. Everything that
 * is not a tensor (numbers, strings, None, sets, empty containers) is collected with its path so the caller can name
 * it in an error or leave it out on request.
 */
final class Flattener {
    /** More keys than this means shared lists expanding without end (a hostile file), not a model. */
    static final int MAX_KEYS = 10_000_000;

    /** A value that is not a tensor, at {@code path}; {@code kind} is its Python type name. */
    record Other(String path, String kind) {
    }

    /** The tensors by flat key, in file order, and the values left over. */
    record Result(Map<String, Tensor> tensors, List<Other> others) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final List<Other> others = new ArrayList<>();
    private long visited;

    private Flattener() {
    }

    static Result flatten(Object root) {
        Flattener f = new Flattener();
        if (root instanceof Tensor t) {
            f.tensors.put("arr_0", t);
        } else {
            f.visit("", root);
        }
        return new Result(f.tensors, f.others);
    }

    private void visit(String path, Object v) {
        if (++visited > MAX_KEYS) {
            throw new CliFailure("the file's structure expands to more than " + Sizes.count(MAX_KEYS)
                    + " keys (shared lists nested in each other?); it is not a model file that a flat format can hold");
        }
        int n = ObjectWalker.size(v);
        if (v instanceof Tensor t) {
            if (tensors.containsKey(path)) {
                throw new CliFailure("two tensors would both be named '" + Scalars.safe(path)
                        + "' in the flat file (a key with a dot in it next to a nested one); rename one, or write .pkl or .pt");
            }
            tensors.put(path, t);
        } else if (v instanceof List<?> l && n > 0 && l.stream().allMatch(ObjectWalker::isScalar)) {
            others.add(new Other(path, ObjectWalker.kind(v) + " of " + n + " plain values"));   // one entry, not one per item
        } else if ((v instanceof Map<?, ?> || v instanceof List<?>) && n > 0) {
            for (Map.Entry<Object, Object> e : ObjectWalker.children(v)) {
                visit(ObjectWalker.join(path, e.getKey()), e.getValue());
            }
        } else {
            String kind = ObjectWalker.kind(v);
            others.add(new Other(path, n == 0 && !ObjectWalker.isScalar(v) ? "empty " + kind : kind));
        }
    }

    /** {@code epoch (int), loss (float), ... and 12 more}: at most {@code max} of them named. */
    static String describe(List<Other> others, int max) {
        String named = others.stream().limit(max)
                .map(o -> (o.path().isEmpty() ? "(the whole file)" : Scalars.safe(o.path())) + " (" + o.kind() + ")")
                .collect(Collectors.joining(", "));
        return others.size() > max ? named + " and " + Sizes.count(others.size() - max) + " more" : named;
    }
}
