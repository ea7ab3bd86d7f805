package org.mge4j.display.renderers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.display.Html;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;
import org.mge4j.jit.GraphInference;

/**
 * A loaded static graph ({@link GraphInference}, from {@code Jit.load}): its inputs with the shapes they were
 * traced with, its outputs, and how many of each op it runs.
 */
public final class GraphInferenceRenderer implements Renderer<GraphInference> {
    /** Used by ServiceLoader. */
    public GraphInferenceRenderer() {
    }

    @Override
    public Class<GraphInference> type() {
        return GraphInference.class;
    }

    @Override
    public MimeBundle render(GraphInference graph, RenderContext ctx) {
        Map<String, long[]> shapes = graph.inputShapes();
        int ops = graph.opCount();
        Map<String, Integer> histogram = new LinkedHashMap<>();
        for (String op : graph.opNames()) {
            histogram.merge(op, 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder("GraphInference: ").append(Units.count(ops, "op"));
        for (String in : graph.inputNames()) {
            text.append("\n  input  ").append(in).append(' ').append(shape(shapes.get(in)));
        }
        for (String out : graph.outputNames()) {
            text.append("\n  output ").append(out);
        }
        text.append("\n  ops    ");
        histogram.forEach((k, v) -> text.append(k).append(" x").append(v).append("  "));
        MimeBundle.Builder b = MimeBundle.builder().text(text.toString().stripTrailing());
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            StringBuilder sb = new StringBuilder(HtmlStyle.open())
                    .append(HtmlStyle.header("GraphInference", Units.count(ops, "op")))
                    .append(HtmlStyle.table(3)).append("<tbody>");
            for (String in : graph.inputNames()) {
                sb.append("<tr><td>input</td><td class=\"mge4j-k\">").append(Html.escape(in)).append("</td><td>")
                        .append(Html.escape(shape(shapes.get(in)))).append("</td></tr>");
            }
            for (String out : graph.outputNames()) {
                sb.append("<tr><td>output</td><td class=\"mge4j-k\">").append(Html.escape(out))
                        .append("</td><td></td></tr>");
            }
            sb.append("</tbody></table><div style=\"margin-top:4px\">");
            histogram.forEach((k, v) -> sb.append(HtmlStyle.badge(k + " ×" + v)).append(' '));
            b.html(sb.append("</div>").append(HtmlStyle.close()).toString());
        }
        return b.build();
    }

    private static String shape(long[] s) {
        return s == null ? "?" : Units.shape(s);
    }
}
