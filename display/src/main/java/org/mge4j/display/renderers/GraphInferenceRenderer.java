package org.mge4j.display.renderers;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.display.Html;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;

/**
 * A loaded static graph ({@code org.mge4j.jit.GraphInference}, from {@code Jit.load}): its inputs with their
 * shapes, its outputs, and how many of each op it runs.
 *
 * <p>It reads the graph through its public methods {@code inputNames()}, {@code inputShapes()},
 * {@code outputNames()}, {@code opCount()} and {@code opNames()} by reflection, because display is built
 * against dl-core versions that may not have the jit package yet; where the class is missing this renderer is
 * not registered, and a graph whose class lacks one of the methods is left to its {@code toString()}.
 */
public final class GraphInferenceRenderer implements Renderer<Object> {
    /** The class drawn. */
    public static final String GRAPH_CLASS = "org.mge4j.jit.GraphInference";

    private final String className;

    /** Used by ServiceLoader: draws {@value #GRAPH_CLASS}. */
    public GraphInferenceRenderer() {
        this(GRAPH_CLASS);
    }

    /** Draws another class with the same methods (tests, or a graph type of another library). */
    public GraphInferenceRenderer(String className) {
        this.className = className;
    }

    /** The graph class, or null when it is not on the classpath (the registry then skips this renderer). */
    @Override
    @SuppressWarnings("unchecked")
    public Class<Object> type() {
        try {
            return (Class<Object>) Class.forName(className, false, GraphInferenceRenderer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    @Override
    public MimeBundle render(Object graph, RenderContext ctx) {
        List<?> inputs;
        Map<?, ?> shapes;
        List<?> outputs;
        int ops;
        List<?> opNames;
        try {
            inputs = (List<?>) call(graph, "inputNames");
            shapes = (Map<?, ?>) call(graph, "inputShapes");
            outputs = (List<?>) call(graph, "outputNames");
            ops = ((Number) call(graph, "opCount")).intValue();
            opNames = (List<?>) call(graph, "opNames");
        } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
        }
        Map<String, Integer> histogram = new LinkedHashMap<>();
        for (Object op : opNames) {
            histogram.merge(String.valueOf(op), 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder(graph.getClass().getSimpleName()).append(": ").append(ops)
                .append(ops == 1 ? " op" : " ops");
        for (Object in : inputs) {
            text.append("\n  input  ").append(in).append(' ').append(shape(shapes.get(in)));
        }
        for (Object out : outputs) {
            text.append("\n  output ").append(out);
        }
        text.append("\n  ops    ");
        histogram.forEach((k, v) -> text.append(k).append(" x").append(v).append("  "));
        MimeBundle.Builder b = MimeBundle.builder().text(text.toString().stripTrailing());
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            StringBuilder sb = new StringBuilder(HtmlStyle.open())
                    .append(HtmlStyle.header(graph.getClass().getSimpleName(), ops + (ops == 1 ? " op" : " ops")))
                    .append(HtmlStyle.table(3)).append("<tbody>");
            for (Object in : inputs) {
                sb.append("<tr><td>input</td><td class=\"mge4j-k\">").append(Html.escape(String.valueOf(in)))
                        .append("</td><td>").append(Html.escape(shape(shapes.get(in)))).append("</td></tr>");
            }
            for (Object out : outputs) {
                sb.append("<tr><td>output</td><td class=\"mge4j-k\">").append(Html.escape(String.valueOf(out)))
                        .append("</td><td></td></tr>");
            }
            sb.append("</tbody></table><div style=\"margin-top:4px\">");
            histogram.forEach((k, v) -> sb.append(HtmlStyle.badge(k + " ×" + v)).append(' '));
            b.html(sb.append("</div>").append(HtmlStyle.close()).toString());
        }
        return b.build();
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }

    private static String shape(Object s) {
        return s instanceof long[] l ? Units.shape(l) : String.valueOf(s);
    }
}
