package org.mge4j.display;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mge4j.Tensor;
import org.mge4j.display.renderers.HtmlStyle;
import org.mge4j.display.renderers.TensorRenderer;
import org.mge4j.display.renderers.Units;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How two state dicts differ, key by key: keys only in one of them, shape or dtype mismatches, and the largest
 * absolute difference of the values of each key in both: what to look at after loading a checkpoint.
 * <pre>{@code
 * StateDictDiff.of(model.stateDict(), Mge.load("convnet.pkl")).names("model", "file")
 * }</pre>
 * Values that are not tensors are compared with {@code equals}.
 */
public final class StateDictDiff implements Renderable {
    /** What happened to one key. */
    public enum Status {
        /** Same shape and dtype, every value equal. */
        EQUAL,
        /** Same shape, some values differ (see {@link Entry#maxAbsDiff}). */
        DIFFERENT,
        /** Same shape, different dtypes; values compared as float64. */
        DTYPE_MISMATCH,
        /** Different shapes: values not compared. */
        SHAPE_MISMATCH,
        /** Only in the first. */
        ONLY_IN_FIRST,
        /** Only in the second. */
        ONLY_IN_SECOND,
        /** One or both are not tensors, and they are not equal. */
        NOT_TENSORS
    }

    /**
     * One key's comparison.
     *
     * @param key        the key
     * @param status     what differs
     * @param first      the first value as {@code dtype (shape)} (or its text), or null when absent
     * @param second     the same for the second value
     * @param maxAbsDiff the largest |a - b| over the elements, 0 when equal; NaN when not compared or a value is NaN
     */
    public record Entry(String key, Status status, String first, String second, double maxAbsDiff) {
    }

    private final List<Entry> entries;
    private String firstName = "a";
    private String secondName = "b";

    private StateDictDiff(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Compares two state dicts (any maps; keys are compared as strings). */
    public static StateDictDiff of(Map<?, ?> first, Map<?, ?> second) {
        Map<String, Object> a = byString(first);
        Map<String, Object> b = byString(second);
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                out.add(new Entry(e.getKey(), Status.ONLY_IN_FIRST, describe(e.getValue()), null, Double.NaN));
            } else {
                out.add(compare(e.getKey(), e.getValue(), b.get(e.getKey())));
            }
        }
        for (Map.Entry<String, Object> e : b.entrySet()) {
            if (!a.containsKey(e.getKey())) {
                out.add(new Entry(e.getKey(), Status.ONLY_IN_SECOND, null, describe(e.getValue()), Double.NaN));
            }
        }
        return new StateDictDiff(out);
    }

    private static Map<String, Object> byString(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Entry compare(String key, Object x, Object y) {
        String dx = describe(x);
        String dy = describe(y);
        if (!(x instanceof Tensor a) || !(y instanceof Tensor b)) {
            return new Entry(key, Objects.equals(x, y) ? Status.EQUAL : Status.NOT_TENSORS, dx, dy,
                    Objects.equals(x, y) ? 0 : Double.NaN);
        }
        if (!Arrays.equals(a.shape(), b.shape())) {
            return new Entry(key, Status.SHAPE_MISMATCH, dx, dy, Double.NaN);
        }
        double diff = maxAbsDiff(a.nd(), b.nd(), a.dtype() == b.dtype());
        Status s = a.dtype() != b.dtype() ? Status.DTYPE_MISMATCH : diff == 0 ? Status.EQUAL : Status.DIFFERENT;
        return new Entry(key, s, dx, dy, diff);
    }

    private static double maxAbsDiff(INDArray a, INDArray b, boolean sameType) {
        if (a.length() == 0) {
            return 0;
        }
        boolean floating = a.dataType().isFPType();
        INDArray x = sameType && floating ? a : a.castTo(DataType.DOUBLE);
        INDArray y = sameType && floating ? b : b.castTo(DataType.DOUBLE);
        INDArray d = x.sub(y);
        // amax ignores NaN; a NaN on either side makes the difference unknown
        if (Double.isNaN(d.sumNumber().doubleValue())) {
            return Double.NaN;
        }
        return d.amaxNumber().doubleValue();
    }

    private static String describe(Object v) {
        if (v instanceof Tensor t) {
            return TensorRenderer.describe(t);
        }
        String s = String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Names the two sides in the output (default "a" and "b"). */
    public StateDictDiff names(String first, String second) {
        this.firstName = first;
        this.secondName = second;
        return this;
    }

    /** Every key, those of the first map first. */
    public List<Entry> entries() {
        return entries;
    }

    /** The keys with a given status. */
    public List<String> keys(Status status) {
        return entries.stream().filter(e -> e.status() == status).map(Entry::key).toList();
    }

    /** Keys only in the first map. */
    public List<String> onlyInFirst() {
        return keys(Status.ONLY_IN_FIRST);
    }

    /** Keys only in the second map. */
    public List<String> onlyInSecond() {
        return keys(Status.ONLY_IN_SECOND);
    }

    /** Keys whose tensors have different shapes. */
    public List<String> shapeMismatches() {
        return keys(Status.SHAPE_MISMATCH);
    }

    /** The largest |a - b| per key compared (keys in both with the same shape). */
    public Map<String, Double> maxAbsDiffs() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.status() == Status.EQUAL || e.status() == Status.DIFFERENT || e.status() == Status.DTYPE_MISMATCH) {
                out.put(e.key(), e.maxAbsDiff());
            }
        }
        return out;
    }

    /** True when both maps have the same keys, shapes, dtypes and values. */
    public boolean identical() {
        return entries.stream().allMatch(e -> e.status() == Status.EQUAL);
    }

    /** The largest difference over all compared keys (0 when identical, NaN when nothing could be compared). */
    public double maxAbsDiff() {
        double m = Double.NaN;
        for (double d : maxAbsDiffs().values()) {
            m = Double.isNaN(m) || d > m || Double.isNaN(d) ? d : m;
        }
        return m;
    }

    private String summary() {
        long equal = entries.stream().filter(e -> e.status() == Status.EQUAL).count();
        if (identical()) {
            return "identical: " + Units.count(equal) + (equal == 1 ? " key" : " keys");
        }
        List<String> parts = new ArrayList<>();
        parts.add(Units.count(equal) + " equal");
        long different = keys(Status.DIFFERENT).size() + keys(Status.DTYPE_MISMATCH).size();
        if (different > 0) {
            Entry worst = null;
            for (Entry e : entries) {
                if ((e.status() == Status.DIFFERENT || e.status() == Status.DTYPE_MISMATCH)
                        && (worst == null || !(e.maxAbsDiff() <= worst.maxAbsDiff()))) {
                    worst = e;
                }
            }
            parts.add(different + " differ (max |Δ| " + Units.number(worst.maxAbsDiff()) + " at " + worst.key() + ")");
        }
        if (!shapeMismatches().isEmpty()) {
            parts.add(shapeMismatches().size() + " shape mismatch" + (shapeMismatches().size() == 1 ? "" : "es"));
        }
        if (!keys(Status.NOT_TENSORS).isEmpty()) {
            parts.add(keys(Status.NOT_TENSORS).size() + " other values differ");
        }
        if (!onlyInFirst().isEmpty()) {
            parts.add(onlyInFirst().size() + " only in " + firstName);
        }
        if (!onlyInSecond().isEmpty()) {
            parts.add(onlyInSecond().size() + " only in " + secondName);
        }
        return String.join(", ", parts);
    }

    private String statusText(Status s) {
        return switch (s) {
            case ONLY_IN_FIRST -> "only in " + firstName;
            case ONLY_IN_SECOND -> "only in " + secondName;
            case NOT_TENSORS -> "values differ";
            default -> s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    /** The summary and one line per key that is not equal. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("state dict diff (").append(firstName).append(" vs ").append(secondName)
                .append("): ").append(summary());
        int shown = 0;
        for (Entry e : entries) {
            if (e.status() == Status.EQUAL) {
                continue;
            }
            if (shown++ >= 200) {
                sb.append("\n  …");
                break;
            }
            sb.append("\n  ").append(e.key()).append(": ").append(statusText(e.status()));
            switch (e.status()) {
                case DIFFERENT -> sb.append(", max |Δ| ").append(Units.number(e.maxAbsDiff()));
                case DTYPE_MISMATCH -> sb.append(", ").append(e.first()).append(" vs ").append(e.second())
                        .append(", max |Δ| ").append(Units.number(e.maxAbsDiff()));
                case SHAPE_MISMATCH, NOT_TENSORS -> sb.append(", ").append(e.first()).append(" vs ").append(e.second());
                case ONLY_IN_FIRST -> sb.append(", ").append(e.first());
                case ONLY_IN_SECOND -> sb.append(", ").append(e.second());
                default -> {
                }
            }
        }
        return sb.toString();
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        MimeBundle.Builder b = MimeBundle.builder().text(toString());
        if (context.wants(MimeBundle.TEXT_HTML)) {
            StringBuilder sb = new StringBuilder(HtmlStyle.open());
            sb.append(HtmlStyle.header("state dict diff: " + firstName + " vs " + secondName, summary()));
            sb.append(HtmlStyle.table(4)).append(HtmlStyle.headRow("key", "status", firstName, secondName, "max |Δ|"))
                    .append("<tbody>");
            int shown = 0;
            for (Entry e : entries) {
                if (shown++ >= 500) {
                    break;
                }
                String colour = switch (e.status()) {
                    case EQUAL -> HtmlStyle.GREEN;
                    case DIFFERENT, DTYPE_MISMATCH -> HtmlStyle.ORANGE;
                    default -> HtmlStyle.RED;
                };
                sb.append("<tr><td class=\"mge4j-k\">").append(Html.escape(e.key())).append("</td><td>")
                        .append(HtmlStyle.badge(statusText(e.status()), colour)).append("</td><td>")
                        .append(e.first() == null ? "" : Html.escape(e.first())).append("</td><td>")
                        .append(e.second() == null ? "" : Html.escape(e.second())).append("</td><td>")
                        .append(Double.isNaN(e.maxAbsDiff()) ? "" : Units.number(e.maxAbsDiff())).append("</td></tr>");
            }
            sb.append("</tbody></table>");
            b.html(sb.append(HtmlStyle.close()).toString());
        }
        return b.build();
    }
}
