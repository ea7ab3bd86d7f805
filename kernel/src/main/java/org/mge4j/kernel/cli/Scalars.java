package org.mge4j.kernel.cli;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.mge4j.serialization.PyTuple;

/**
 * Values as Python would print them ({@code 'text'}, {@code True}, {@code None}, {@code (1, 2)}), safe for a
 * terminal: a key or string from a hostile file cannot move the cursor, clear the screen or reorder text, because
 * every control and format character is shown as an escape.
 */
final class Scalars {
    /** Longest string shown whole in text output. */
    static final int MAX_STRING = 200;

    private Scalars() {
    }

    /** Python's repr of a scalar, or of a tuple/list/set of scalars; strings longer than {@link #MAX_STRING} are cut. */
    static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Float f) {   // a numpy float32 scalar: its own shortest digits, not the double's
            return Float.isFinite(f) ? exponent(Float.toString(f)) : floatRepr(f);
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof Number || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof String s) {
            return quote(s, MAX_STRING);
        }
        if (v instanceof byte[] b) {
            return "bytes, " + Sizes.bytes(b.length);
        }
        if (v instanceof PyTuple t) {
            return t.size() == 1 ? "(" + repr(t.get(0)) + ",)" : join(t, "(", ")");
        }
        if (v instanceof List<?> l) {
            return join(l, "[", "]");
        }
        if (v instanceof Set<?> s) {
            return s.isEmpty() ? "set()" : join(s, "{", "}");
        }
        return safe(String.valueOf(v));
    }

    private static String join(Iterable<?> items, String open, String close) {
        StringBuilder sb = new StringBuilder(open);
        boolean first = true;
        for (Object o : items) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(repr(o));
            if (sb.length() > 2 * MAX_STRING) {
                return sb.append(", ...").append(close).toString();
            }
        }
        return sb.append(close).toString();
    }

    /** Python's float repr for the common cases: {@code 0.25}, {@code 1e-05}, {@code nan}, {@code inf}. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return exponent(Double.toString(d));
    }

    /** Java's {@code 1.0E-5} as Python writes it, {@code 1e-05}. */
    private static String exponent(String s) {
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** {@code s} in single quotes with escapes, cut after {@code max} characters with the full length said. */
    static String quote(String s, int max) {
        String shown = s.length() > max ? s.substring(0, max) : s;
        StringBuilder sb = new StringBuilder("'");
        escapeInto(sb, shown, true);
        sb.append('\'');
        if (shown.length() < s.length()) {
            sb.append("... (").append(s.length()).append(" characters)");
        }
        return sb.toString();
    }

    /** {@code s} with control and format characters escaped, not quoted (for keys and names). */
    static String safe(String s) {
        StringBuilder sb = new StringBuilder();
        escapeInto(sb, s, false);
        return sb.toString();
    }

    private static void escapeInto(StringBuilder sb, String s, boolean quoted) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\\' -> sb.append(quoted ? "\\\\" : "\\");
                case '\'' -> sb.append(quoted ? "\\'" : "'");
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                            || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR) {
                        sb.append(String.format(c <= 0xFF ? "\\x%02x" : "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
