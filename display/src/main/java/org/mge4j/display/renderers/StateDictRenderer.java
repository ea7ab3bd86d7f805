package org.mge4j.display.renderers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mge4j.Tensor;
import org.mge4j.display.Html;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;

/**
 * A state dict: any non-empty {@link Map} whose values are all tensors ({@code model.stateDict()}, a loaded
 * {@code .pkl}, a PyTorch or safetensors file), drawn as a table of key, shape, dtype, number of elements and
 * bytes, grouped by submodule ({@code conv1}, {@code layers.0}), with totals. Past {@value #MAX_ROWS} tensors the
 * first ones are listed and the totals still count every tensor, so the output stays small.
 */
public final class StateDictRenderer implements Renderer<Map<?, ?>> {
    /** The most rows listed; 500 rows of HTML are about 50 kB. */
    public static final int MAX_ROWS = 500;

    /** Used by ServiceLoader. */
    public StateDictRenderer() {
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<Map<?, ?>> type() {
        return (Class) Map.class;
    }

    @Override
    public boolean accepts(Map<?, ?> map) {
        return isStateDict(map);
    }

    /** True for a non-empty map whose values are all tensors. */
    public static boolean isStateDict(Object o) {
        if (!(o instanceof Map<?, ?> map) || map.isEmpty()) {
            return false;
        }
        for (Object v : map.values()) {
            if (!(v instanceof Tensor)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public MimeBundle render(Map<?, ?> map, RenderContext ctx) {
        MimeBundle.Builder b = MimeBundle.builder().text(text(map));
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            b.html(HtmlStyle.open() + html(map, "state dict") + HtmlStyle.close());
        }
        return b.build();
    }

    /** {@code 8 tensors · 21,840 elements · 87.4 kB · float32}: the one-line summary. */
    public static String summary(Map<?, ?> map) {
        long numel = 0;
        long bytes = 0;
        TreeSet<String> dtypes = new TreeSet<>();
        for (Object v : map.values()) {
            Tensor t = (Tensor) v;
            numel += t.size();
            bytes += Units.bytes(t);
            dtypes.add(t.dtype().numpyName());
        }
        return Units.count(map.size(), "tensor") + " · " + Units.count(numel, "element") + " · "
                + Units.bytes(bytes) + " · " + String.join(", ", dtypes);
    }

    /**
     * The table as HTML (without the outer element), under a header with {@code title} and the summary; no
     * header when the title is null.
     */
    public static String html(Map<?, ?> map, String title) {
        StringBuilder sb = new StringBuilder(160 * Math.min(map.size(), MAX_ROWS) + 600);
        if (title != null) {
            sb.append(HtmlStyle.header(title, summary(map)));
        }
        sb.append("<table class=\"mge4j-l3 mge4j-keys\">").append(HtmlStyle.headRow("key", "shape", "dtype", "numel", "bytes"))
                .append("<tbody>");
        int listed = 0;
        for (Map.Entry<String, List<Map.Entry<?, ?>>> g : groups(map).entrySet()) {
            if (listed >= MAX_ROWS) {
                break;
            }
            long gBytes = 0;
            for (Map.Entry<?, ?> e : g.getValue()) {
                gBytes += Units.bytes((Tensor) e.getValue());
            }
            // keys are shown after their group's prefix: the heading carries it once
            int cut = g.getKey().isEmpty() ? 0 : g.getKey().length() + 1;
            sb.append("<tr class=\"mge4j-g\"><td colspan=\"5\">")
                    .append(g.getKey().isEmpty() ? "(top level)" : Html.escape(g.getKey())).append(" <span>")
                    .append(Units.count(g.getValue().size(), "tensor")).append(" · ").append(Units.bytes(gBytes))
                    .append("</span></td></tr>");
            for (Map.Entry<?, ?> e : g.getValue()) {
                if (listed++ >= MAX_ROWS) {
                    break;
                }
                Tensor t = (Tensor) e.getValue();
                sb.append("<tr><td>").append(Html.escape(String.valueOf(e.getKey()).substring(cut)))
                        .append("</td><td>").append(Units.shape(t.shape())).append("</td><td>")
                        .append(t.dtype().numpyName()).append("</td><td>").append(Units.count(t.size()))
                        .append("</td><td>").append(Units.bytes(Units.bytes(t))).append("</td></tr>");
            }
        }
        sb.append("</tbody>");
        if (map.size() > MAX_ROWS) {
            sb.append("<tfoot><tr class=\"mge4j-g\"><td colspan=\"5\"><span>… ")
                    .append(Units.count(map.size() - MAX_ROWS))
                    .append(" more tensors not listed; the totals count them</span></td></tr></tfoot>");
        }
        return sb.append("</table>").toString();
    }

    /** The table as aligned text, with the summary on the first line. */
    public static String text(Map<?, ?> map) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"key", "shape", "dtype", "numel", "bytes"});
        int n = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (n++ >= MAX_ROWS) {
                break;
            }
            Tensor t = (Tensor) e.getValue();
            rows.add(new String[] {String.valueOf(e.getKey()), Units.shape(t.shape()), t.dtype().numpyName(),
                Units.count(t.size()), Units.bytes(Units.bytes(t))});
        }
        int[] w = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < 5; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("state dict: ").append(summary(map).replace(" · ", ", "));
        for (String[] r : rows) {
            sb.append('\n').append(Units.left(r[0], w[0])).append("  ").append(Units.left(r[1], w[1])).append("  ")
                    .append(Units.left(r[2], w[2])).append("  ").append(Units.right(r[3], w[3])).append("  ")
                    .append(Units.right(r[4], w[4]));
        }
        if (map.size() > MAX_ROWS) {
            sb.append("\n… ").append(Units.count(map.size() - MAX_ROWS)).append(" more tensors");
        }
        return sb.toString().replaceAll(" +\n", "\n").stripTrailing();
    }

    /** Entries by submodule: the key up to its last dot ({@code layers.0} for {@code layers.0.weight}). */
    private static Map<String, List<Map.Entry<?, ?>>> groups(Map<?, ?> map) {
        Map<String, List<Map.Entry<?, ?>>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            int dot = key.lastIndexOf('.');
            out.computeIfAbsent(dot < 0 ? "" : key.substring(0, dot), k -> new ArrayList<>()).add(e);
        }
        return out;
    }
}
