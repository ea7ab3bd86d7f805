package org.mge4j.display.renderers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.display.Html;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;
import org.mge4j.module.Module;

/**
 * A {@link Module}: MegEngine's repr as text; as HTML a tree in the repr's order (declaration order) with each
 * submodule's parameter count, its own tensors' shapes, and its train/eval mode where it differs from its parent.
 * {@code summary(model, input)} adds output shapes (see {@link org.mge4j.display.ModelSummary}).
 */
public final class ModuleRenderer implements Renderer<Module> {
    /** Used by ServiceLoader. */
    public ModuleRenderer() {
    }

    @Override
    public Class<Module> type() {
        return Module.class;
    }

    @Override
    public MimeBundle render(Module m, RenderContext ctx) {
        MimeBundle.Builder b = MimeBundle.builder().text(m.toString());
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            b.html(html(m));
        }
        return b.build();
    }

    static String html(Module m) {
        long params = parameterCount(m);
        long bytes = m.parameters().stream().mapToLong(Units::bytes).sum();
        long buffers = m.buffers().stream().mapToLong(Tensor::size).sum();
        StringBuilder sb = new StringBuilder(HtmlStyle.open());
        sb.append("<div style=\"margin:2px 0 4px 0\"><b>").append(Html.escape(typeName(m))).append("</b> <span style=\"")
                .append(HtmlStyle.MUTED).append("\">").append(Units.count(params)).append(" parameters · ")
                .append(Units.bytes(bytes));
        if (buffers > 0) {
            sb.append(" · ").append(Units.count(buffers)).append(" buffer elements");
        }
        sb.append("</span> ").append(modeBadge(m)).append("</div>");
        tree(m, sb, m.training());
        return sb.append(HtmlStyle.close()).toString();
    }

    private static void tree(Module m, StringBuilder sb, boolean parentTraining) {
        List<Map.Entry<String, Module>> children = childrenInReprOrder(m);
        if (children.isEmpty()) {
            return;
        }
        sb.append("<ul style=\"list-style:none;margin:0;padding-left:1.2em;").append(HtmlStyle.MONO).append("\">");
        for (Map.Entry<String, Module> e : children) {
            Module c = e.getValue();
            String name = "<b>" + Html.escape(e.getKey()) + "</b>: ";
            String count = " <span style=\"" + HtmlStyle.MUTED + "\">" + Units.count(parameterCount(c)) + " params</span>";
            String mode = c.training() != parentTraining ? " " + modeBadge(c) : "";
            if (c.children().isEmpty()) {
                sb.append("<li>").append(name).append(Html.escape(c.toString())).append(count).append(mode)
                        .append(ownTensors(c)).append("</li>");
            } else {
                sb.append("<li><details open><summary>").append(name).append(Html.escape(typeName(c))).append(count)
                        .append(mode).append("</summary>");
                tree(c, sb, c.training());
                sb.append("</details></li>");
            }
        }
        sb.append("</ul>");
    }

    private static String ownTensors(Module m) {
        Map<String, Tensor> own = m.namedTensors(null, false);
        if (own.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<div style=\"padding-left:1.2em;").append(HtmlStyle.MUTED)
                .append(";font-size:0.9em\">");
        boolean first = true;
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            sb.append(first ? "" : " · ").append(Html.escape(e.getKey())).append(' ')
                    .append(Units.shape(e.getValue().shape()))
                    .append(e.getValue() instanceof Parameter ? "" : " (buffer)");
            first = false;
        }
        return sb.append("</div>").toString();
    }

    private static String modeBadge(Module m) {
        return m.training() ? HtmlStyle.badge("train", HtmlStyle.GREEN) : HtmlStyle.badge("eval", HtmlStyle.GREY);
    }

    /** Elements of all parameters of a module and its submodules, each parameter once. */
    public static long parameterCount(Module m) {
        return m.parameters().stream().mapToLong(Tensor::size).sum();
    }

    /** The class name a repr shows: anonymous classes by their superclass, JShell classes without their wrapper. */
    public static String typeName(Module m) {
        Class<?> c = m.getClass();
        while (c.isAnonymousClass()) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    /**
     * The direct submodules in the order the repr lists them (field declaration order), which reads like the
     * model's code; {@code namedChildren()} is in MegEngine's sorted key order. Keys the repr does not show
     * (none in practice) come last.
     */
    public static List<Map.Entry<String, Module>> childrenInReprOrder(Module m) {
        Map<String, Module> named = m.namedChildren();
        List<Map.Entry<String, Module>> out = new ArrayList<>(named.entrySet());
        if (out.size() < 2) {
            return out;
        }
        String repr = m.toString();
        out.sort(Comparator.comparingInt(e -> {
            int i = repr.indexOf("\n  (" + e.getKey() + "): ");
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        return out;
    }
}
