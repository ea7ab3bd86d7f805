package org.mge4j.display.renderers;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mge4j.Tensor;
import org.mge4j.display.Html;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;
import org.mge4j.optimizer.Optimizer;
import org.mge4j.optimizer.ParamGroup;

/**
 * An {@link Optimizer}: MegEngine's repr as text (its groups' hyperparameters); as HTML a table with one row per
 * parameter group (parameters, elements, every hyperparameter) and a line per kind of state
 * ({@code momentum_buffer: 8 tensors · 87.4 kB}).
 */
public final class OptimizerRenderer implements Renderer<Optimizer> {
    /** Used by ServiceLoader. */
    public OptimizerRenderer() {
    }

    @Override
    public Class<Optimizer> type() {
        return Optimizer.class;
    }

    @Override
    public MimeBundle render(Optimizer opt, RenderContext ctx) {
        Map<String, long[]> state = stateSummary(opt);
        StringBuilder text = new StringBuilder(opt.toString());
        text.append("\nstate:").append(state.isEmpty() ? " empty" : "");
        state.forEach((k, v) -> text.append("\n    ").append(k).append(": ").append(Units.count(v[0]))
                .append(v[0] == 1 ? " entry" : " entries").append(v[1] > 0 ? ", " + Units.bytes(v[1]) : ""));
        MimeBundle.Builder b = MimeBundle.builder().text(text.toString());
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            b.html(html(opt, state));
        }
        return b.build();
    }

    private static String html(Optimizer opt, Map<String, long[]> state) {
        List<ParamGroup> groups = opt.paramGroups();
        Set<String> keys = new LinkedHashSet<>();
        long params = 0;
        for (ParamGroup g : groups) {
            g.keys().stream().filter(k -> !k.equals(ParamGroup.PARAMS)).forEach(keys::add);
            params += g.params().size();
        }
        StringBuilder sb = new StringBuilder(HtmlStyle.open());
        sb.append(HtmlStyle.header(opt.getClass().getSimpleName(), Units.count(groups.size())
                + (groups.size() == 1 ? " parameter group · " : " parameter groups · ") + Units.count(params)
                + " parameters"));
        List<String> head = new java.util.ArrayList<>(List.of("group", "params", "elements"));
        keys.forEach(head::add);
        sb.append(HtmlStyle.table(1)).append(HtmlStyle.headRow(head.toArray(String[]::new))).append("<tbody>");
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            long numel = g.params().stream().mapToLong(Tensor::size).sum();
            sb.append("<tr><td>").append(i).append("</td><td>").append(Units.count(g.params().size()))
                    .append("</td><td>").append(Units.count(numel)).append("</td>");
            for (String k : keys) {
                sb.append("<td>").append(g.containsKey(k) ? Html.escape(Units.value(g.get(k))) : "").append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table><div style=\"margin-top:4px\">state: ");
        if (state.isEmpty()) {
            sb.append("<span style=\"").append(HtmlStyle.MUTED).append("\">empty</span>");
        }
        boolean first = true;
        for (Map.Entry<String, long[]> e : state.entrySet()) {
            sb.append(first ? "" : " · ").append(HtmlStyle.badge(e.getKey())).append(' ')
                    .append(Units.count(e.getValue()[0])).append(e.getValue()[0] == 1 ? " entry" : " entries");
            if (e.getValue()[1] > 0) {
                sb.append(", ").append(Units.bytes(e.getValue()[1]));
            }
            first = false;
        }
        return sb.append("</div>").append(HtmlStyle.close()).toString();
    }

    /**
     * For each kind of state (momentum_buffer, exp_avg, step), how many parameters have one and the bytes of
     * those that are tensors. Read from {@code stateDict()}, which copies the state tensors; optimizers have no
     * read-only view of their state.
     */
    private static Map<String, long[]> stateSummary(Optimizer opt) {
        Map<String, long[]> out = new LinkedHashMap<>();
        Object st = opt.stateDict().get("state");
        if (st instanceof Map<?, ?> perParam) {
            for (Object entries : perParam.values()) {
                if (entries instanceof Map<?, ?> m) {
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        long[] c = out.computeIfAbsent(String.valueOf(e.getKey()), k -> new long[2]);
                        c[0]++;
                        if (e.getValue() instanceof Tensor t) {
                            c[1] += Units.bytes(t);
                        }
                    }
                }
            }
        }
        return out;
    }

}
