package org.mge4j.display.renderers;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.display.Html;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;

/**
 * A checkpoint or any other nest of maps and lists that holds tensors ({@code {"epoch": 3, "model_state_dict":
 * {...}, "optimizer_state_dict": {...}, "loss": 0.31}}, a list of parameters): a tree with tensors as shape
 * badges and nested state dicts as tables. Maps that hold no tensor anywhere are left to their {@code toString()}.
 * Each level lists at most {@value #MAX_ITEMS} items and the tree stops at depth {@value #MAX_DEPTH}.
 */
public final class CheckpointRenderer implements Renderer<Object> {
    static final int MAX_ITEMS = 100;
    static final int MAX_DEPTH = 8;
    private static final int SCAN_LIMIT = 100_000;

    private final Class<Object> type;

    /** The renderer for maps (ServiceLoader). */
    public CheckpointRenderer() {
        this(Map.class);
    }

    @SuppressWarnings("unchecked")
    private CheckpointRenderer(Class<?> type) {
        this.type = (Class<Object>) type;
    }

    /** The same drawing for lists and tuples (a list of parameters, PyTuple values). */
    public static final class ForLists implements Renderer<Object> {
        private final CheckpointRenderer inner = new CheckpointRenderer(List.class);

        /** Used by ServiceLoader. */
        public ForLists() {
        }

        @Override
        public Class<Object> type() {
            return inner.type();
        }

        @Override
        public int priority() {
            return inner.priority();
        }

        @Override
        public boolean accepts(Object value) {
            return inner.accepts(value);
        }

        @Override
        public MimeBundle render(Object value, RenderContext ctx) {
            return inner.render(value, ctx);
        }
    }

    @Override
    public Class<Object> type() {
        return type;
    }

    /** Below the state-dict table, which draws flat maps of tensors. */
    @Override
    public int priority() {
        return -10;
    }

    @Override
    public boolean accepts(Object value) {
        return holdsTensor(value);
    }

    /** Whether a tensor is reachable through maps, lists and arrays (within a bounded search). */
    static boolean holdsTensor(Object root) {
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        int seen = 0;
        while (!todo.isEmpty() && seen++ < SCAN_LIMIT) {
            Object o = todo.pop();
            if (o instanceof Tensor) {
                return true;
            }
            if (o instanceof Map<?, ?> m) {
                m.values().forEach(todo::push);
            } else if (o instanceof Collection<?> c) {
                c.forEach(todo::push);
            } else if (o instanceof Object[] a) {
                for (Object x : a) {
                    todo.push(x);
                }
            }
        }
        return false;
    }

    @Override
    public MimeBundle render(Object value, RenderContext ctx) {
        Totals totals = new Totals();
        totals.add(value, 0);
        MimeBundle.Builder b = MimeBundle.builder();
        StringBuilder text = new StringBuilder(kind(value)).append(", ").append(totals.toString().replace(" · ", ", "));
        textTree(value, text, "", 0);
        b.text(text.toString());
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            StringBuilder sb = new StringBuilder(HtmlStyle.open());
            sb.append(HtmlStyle.header(kind(value), totals.toString()));
            htmlTree(value, sb, 0);
            b.html(sb.append(HtmlStyle.close()).toString());
        }
        return b.build();
    }

    /** Number of tensors and their bytes under a value. */
    private static final class Totals {
        long tensors;
        long bytes;

        void add(Object o, int depth) {
            if (depth > MAX_DEPTH * 4) {
                return;
            }
            if (o instanceof Tensor t) {
                tensors++;
                bytes += Units.bytes(t);
            } else if (o instanceof Map<?, ?> m) {
                m.values().forEach(v -> add(v, depth + 1));
            } else if (o instanceof Collection<?> c) {
                c.forEach(v -> add(v, depth + 1));
            } else if (o instanceof Object[] a) {
                for (Object v : a) {
                    add(v, depth + 1);
                }
            }
        }

        @Override
        public String toString() {
            return Units.count(tensors, "tensor") + " · " + Units.bytes(bytes);
        }
    }

    private static String kind(Object o) {
        if (o instanceof Map<?, ?> m) {
            return "dict, " + Units.count(m.size()) + (m.size() == 1 ? " key" : " keys");
        }
        int n = o instanceof Collection<?> c ? c.size() : ((Object[]) o).length;
        String what = o.getClass().getSimpleName().equals("PyTuple") ? "tuple" : "list";
        return what + ", " + Units.count(n) + (n == 1 ? " item" : " items");
    }

    private static boolean isContainer(Object o) {
        return o instanceof Map || o instanceof Collection || o instanceof Object[];
    }

    private static Iterable<? extends Map.Entry<?, ?>> entries(Object o) {
        if (o instanceof Map<?, ?> m) {
            return m.entrySet();
        }
        List<?> list = o instanceof List<?> l ? l : o instanceof Collection<?> c ? List.copyOf(c) : List.of((Object[]) o);
        java.util.List<Map.Entry<?, ?>> out = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(i, list.get(i)));
        }
        return out;
    }

    /** A short inline form for a leaf, or for a container of plain values that fits on a line; else null. */
    private static String inline(Object v) {
        if (v instanceof Tensor t) {
            return TensorRenderer.describe(t);
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (!isContainer(v)) {
            return Units.value(v);
        }
        if ((v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof Collection<?> c && c.isEmpty())) {
            return v instanceof Map ? "{}" : "[]";
        }
        if (holdsTensor(v) || v instanceof Map) {
            return null;
        }
        String s = String.valueOf(v instanceof Object[] a ? List.of(a) : v);
        return s.length() <= 80 ? s : null;
    }

    private static void textTree(Object value, StringBuilder sb, String indent, int depth) {
        if (depth >= MAX_DEPTH) {
            sb.append('\n').append(indent).append("…");
            return;
        }
        int n = 0;
        int size = value instanceof Map<?, ?> m ? m.size() : value instanceof Collection<?> c ? c.size() : ((Object[]) value).length;
        for (Map.Entry<?, ?> e : entries(value)) {
            if (n++ >= MAX_ITEMS) {
                sb.append('\n').append(indent).append("… ").append(Units.count(size - MAX_ITEMS)).append(" more");
                break;
            }
            String key = value instanceof Map ? String.valueOf(e.getKey()) : "[" + e.getKey() + "]";
            Object v = e.getValue();
            String in = inline(v);
            sb.append('\n').append(indent).append(key).append(": ");
            if (in != null) {
                sb.append(in);
            } else if (StateDictRenderer.isStateDict(v)) {
                sb.append(StateDictRenderer.summary((Map<?, ?>) v).replace(" · ", ", "));
                textTree(v, sb, indent + "  ", depth + 1);
            } else {
                sb.append(kind(v));
                textTree(v, sb, indent + "  ", depth + 1);
            }
        }
    }

    private static void htmlTree(Object value, StringBuilder sb, int depth) {
        if (depth >= MAX_DEPTH) {
            sb.append("<div>…</div>");
            return;
        }
        sb.append("<ul style=\"list-style:none;margin:0;padding-left:").append(depth == 0 ? "0" : "1.2em")
                .append("\">");
        int n = 0;
        int size = value instanceof Map<?, ?> m ? m.size() : value instanceof Collection<?> c ? c.size() : ((Object[]) value).length;
        for (Map.Entry<?, ?> e : entries(value)) {
            if (n++ >= MAX_ITEMS) {
                sb.append("<li style=\"").append(HtmlStyle.MUTED).append("\">… ")
                        .append(Units.count(size - MAX_ITEMS)).append(" more</li>");
                break;
            }
            String key = value instanceof Map ? String.valueOf(e.getKey()) : "[" + e.getKey() + "]";
            String keyHtml = "<span style=\"" + HtmlStyle.MONO + "\">" + Html.escape(key) + "</span>: ";
            Object v = e.getValue();
            String in = inline(v);
            sb.append("<li>");
            if (v instanceof Tensor) {
                sb.append(keyHtml).append(HtmlStyle.badge(in));
            } else if (in != null) {
                sb.append(keyHtml).append(Html.escape(in));
            } else if (StateDictRenderer.isStateDict(v)) {
                sb.append("<details").append(depth == 0 ? " open" : "").append("><summary>").append(keyHtml)
                        .append("<span style=\"").append(HtmlStyle.MUTED).append("\">")
                        .append(Html.escape(StateDictRenderer.summary((Map<?, ?>) v))).append("</span></summary>")
                        .append(StateDictRenderer.html((Map<?, ?>) v, null))
                        .append("</details>");
            } else {
                sb.append("<details").append(depth == 0 ? " open" : "").append("><summary>").append(keyHtml)
                        .append("<span style=\"").append(HtmlStyle.MUTED).append("\">").append(Html.escape(kind(v)))
                        .append("</span></summary>");
                htmlTree(v, sb, depth + 1);
                sb.append("</details>");
            }
            sb.append("</li>");
        }
        sb.append("</ul>");
    }
}
