package org.mge4j.display;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.display.renderers.HtmlStyle;
import org.mge4j.display.renderers.ModuleRenderer;
import org.mge4j.display.renderers.Units;
import org.mge4j.module.HookHandle;
import org.mge4j.module.Module;

/**
 * What a model does to an example input, layer by layer, like torchinfo's {@code summary}: every module call in
 * call order with its output shape and its own parameter count, and the totals (parameters, their bytes, the
 * input's and the outputs' bytes). Made by {@code summary(model, input)}.
 *
 * <p>The model runs once through forward pre-hooks and hooks on every submodule, in eval mode so that BatchNorm
 * statistics and dropout are not touched; each module's mode is restored afterwards and the hooks removed, even
 * when the forward fails.
 */
public final class ModelSummary implements Renderable {
    /**
     * One module call.
     *
     * @param name        the module's key in the model ({@code conv1}, {@code layers.0}); the model itself is ""
     * @param type        its class name
     * @param depth       0 for the model, 1 for its children, ...
     * @param inputShape  the shapes of its tensor inputs
     * @param outputShape the shape(s) of its output, or its type when not tensors
     * @param params      elements of its own parameters (not its submodules')
     * @param outputBytes bytes of its tensor outputs
     */
    public record Row(String name, String type, int depth, String inputShape, String outputShape, long params,
                      long outputBytes) {
    }

    private final String modelType;
    private final List<Row> rows;
    private final long totalParams;
    private final long paramBytes;
    private final long bufferElements;
    private final long inputBytes;
    private final List<String> uncalled;

    private ModelSummary(String modelType, List<Row> rows, long totalParams, long paramBytes, long bufferElements,
                         long inputBytes, List<String> uncalled) {
        this.modelType = modelType;
        this.rows = List.copyOf(rows);
        this.totalParams = totalParams;
        this.paramBytes = paramBytes;
        this.bufferElements = bufferElements;
        this.inputBytes = inputBytes;
        this.uncalled = List.copyOf(uncalled);
    }

    /**
     * Runs the model on the inputs and records each module call.
     *
     * @throws IllegalArgumentException when no input is given
     * @throws RuntimeException         what the model's forward throws, with the hooks removed and modes restored
     */
    public static ModelSummary of(Module model, Object... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("summary needs an example input, e.g. summary(model, Tensor.randn(1, 1, 28, 28))");
        }
        Map<String, Module> modules = model.namedModules();
        Map<Module, String> names = new IdentityHashMap<>();
        Map<Module, Boolean> modes = new IdentityHashMap<>();
        modules.forEach((k, m) -> {
            names.putIfAbsent(m, k);
            modes.put(m, m.training());
        });
        List<Row> rows = new ArrayList<>();
        Set<Module> called = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Integer> open = new ArrayDeque<>();
        List<HookHandle> handles = new ArrayList<>();
        try {
            for (Module m : modes.keySet()) {
                String name = names.get(m);
                int depth = name.isEmpty() ? 0 : name.split("\\.").length;
                handles.add(m.registerForwardPreHook((mod, in) -> {
                    open.push(rows.size());
                    rows.add(new Row(name, ModuleRenderer.typeName(mod), depth, shapes(in), "", ownParams(mod), 0));
                    called.add(mod);
                    return null;
                }));
                handles.add(m.registerForwardHook((mod, in, out) -> {
                    if (!open.isEmpty()) {
                        int i = open.pop();
                        Row r = rows.get(i);
                        rows.set(i, new Row(r.name(), r.type(), r.depth(), r.inputShape(), shapes(out), r.params(),
                                bytes(out)));
                    }
                    return null;
                }));
            }
            model.eval();
            model.call(inputs);
        } finally {
            handles.forEach(HookHandle::remove);
            modes.forEach((m, training) -> m.train(training, false));
        }
        List<String> uncalled = new ArrayList<>();
        modules.forEach((k, m) -> {
            if (!called.contains(m) && !k.isEmpty()) {
                uncalled.add(k);
            }
        });
        long params = model.parameters().stream().mapToLong(Tensor::size).sum();
        long pBytes = model.parameters().stream().mapToLong(Units::bytes).sum();
        long buffers = model.buffers().stream().mapToLong(Tensor::size).sum();
        return new ModelSummary(ModuleRenderer.typeName(model), rows, params, pBytes, buffers, bytes(List.of(inputs)),
                uncalled);
    }

    private static long ownParams(Module m) {
        long n = 0;
        for (Parameter p : m.parameters(false)) {
            n += p.size();
        }
        return n;
    }

    private static String shapes(Object o) {
        if (o instanceof Tensor t) {
            return Units.shape(t.shape());
        }
        if (o instanceof Object[] a) {
            return shapes(List.of(a));
        }
        if (o instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            for (Object x : c) {
                parts.add(shapes(x));
            }
            return parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
        }
        if (o instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(k + ": " + shapes(v)));
            return "{" + String.join(", ", parts) + "}";
        }
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static long bytes(Object o) {
        if (o instanceof Tensor t) {
            return Units.bytes(t);
        }
        if (o instanceof Object[] a) {
            return bytes(List.of(a));
        }
        long n = 0;
        if (o instanceof Collection<?> c) {
            for (Object x : c) {
                n += bytes(x);
            }
        } else if (o instanceof Map<?, ?> m) {
            for (Object x : m.values()) {
                n += bytes(x);
            }
        }
        return n;
    }

    /** The module calls, in the order they started (parents before their children). */
    public List<Row> rows() {
        return rows;
    }

    /** Elements of all parameters, each counted once. */
    public long totalParams() {
        return totalParams;
    }

    /** Bytes of all parameters. */
    public long paramBytes() {
        return paramBytes;
    }

    /** Keys of submodules the forward did not call (defined but unused). */
    public List<String> uncalled() {
        return uncalled;
    }

    private long outputBytes() {
        long n = 0;
        for (Row r : rows) {
            if (r.depth() > 0) {
                n += r.outputBytes();
            }
        }
        return n;
    }

    private static String label(Row r) {
        return r.depth() == 0 ? r.type() : r.name().substring(r.name().lastIndexOf('.') + 1) + ": " + r.type();
    }

    /** The table as torchinfo prints it, in text. */
    @Override
    public String toString() {
        List<String[]> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String prefix = r.depth() == 0 ? "" : "│ ".repeat(r.depth() - 1) + (lastSibling(i) ? "└─" : "├─");
            lines.add(new String[] {prefix + label(r), r.outputShape(), r.params() == 0 ? "--" : Units.count(r.params())});
        }
        int w0 = "Layer (type)".length();
        int w1 = "Output shape".length();
        int w2 = "Param #".length();
        for (String[] l : lines) {
            w0 = Math.max(w0, l[0].length());
            w1 = Math.max(w1, l[1].length());
            w2 = Math.max(w2, l[2].length());
        }
        String rule = "=".repeat(w0 + w1 + w2 + 4);
        StringBuilder sb = new StringBuilder(rule).append('\n').append(Units.left("Layer (type)", w0)).append("  ")
                .append(Units.left("Output shape", w1)).append("  ").append(Units.right("Param #", w2)).append('\n')
                .append(rule);
        for (String[] l : lines) {
            sb.append('\n').append(Units.left(l[0], w0)).append("  ").append(Units.left(l[1], w1)).append("  ")
                    .append(Units.right(l[2], w2));
        }
        sb.append('\n').append(rule);
        for (String t : totals()) {
            sb.append('\n').append(t);
        }
        return sb.append('\n').append(rule).toString();
    }

    /** Whether row i is the last call under its parent (for the tree lines). */
    private boolean lastSibling(int i) {
        int d = rows.get(i).depth();
        for (int j = i + 1; j < rows.size(); j++) {
            if (rows.get(j).depth() < d) {
                return true;
            }
            if (rows.get(j).depth() == d) {
                return false;
            }
        }
        return true;
    }

    private List<String> totals() {
        List<String> t = new ArrayList<>();
        t.add("Total params: " + Units.count(totalParams) + " (" + Units.bytes(paramBytes) + ")");
        if (bufferElements > 0) {
            t.add("Buffers: " + Units.count(bufferElements) + " elements");
        }
        t.add("Input size: " + Units.bytes(inputBytes) + " · forward outputs: " + Units.bytes(outputBytes()));
        if (!uncalled.isEmpty()) {
            t.add("Not called: " + String.join(", ", new LinkedHashSet<>(uncalled)));
        }
        return t;
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        MimeBundle.Builder b = MimeBundle.builder().text(toString());
        if (context.wants(MimeBundle.TEXT_HTML)) {
            StringBuilder sb = new StringBuilder(HtmlStyle.open());
            sb.append(HtmlStyle.header(modelType + " summary", Units.count(totalParams) + " parameters · "
                    + Units.bytes(paramBytes) + " · run in eval mode"));
            sb.append(HtmlStyle.table(4)).append(HtmlStyle.headRow("layer", "type", "input shape", "output shape",
                    "params")).append("<tbody>");
            for (Row r : rows) {
                sb.append("<tr><td class=\"mge4j-k\" style=\"padding-left:").append(0.5 + 1.2 * r.depth())
                        .append("em\">").append(Html.escape(r.depth() == 0 ? "(model)" : r.name())).append("</td><td>")
                        .append(Html.escape(r.type())).append("</td><td>").append(Html.escape(r.inputShape()))
                        .append("</td><td>").append(Html.escape(r.outputShape())).append("</td><td>")
                        .append(r.params() == 0 ? "–" : Units.count(r.params())).append("</td></tr>");
            }
            sb.append("</tbody></table><div style=\"").append(HtmlStyle.MUTED).append(";margin-top:4px\">");
            sb.append(Html.escape(String.join(" · ", totals()))).append("</div>");
            b.html(sb.append(HtmlStyle.close()).toString());
        }
        return b.build();
    }
}
