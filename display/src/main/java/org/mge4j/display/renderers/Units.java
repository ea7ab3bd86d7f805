package org.mge4j.display.renderers;

import java.util.Locale;
import org.mge4j.Tensor;

/** How display writes counts, sizes, shapes and numbers: {@code 21,840}, {@code 87.4 kB}, {@code (1, 10, 1, 1)}. */
public final class Units {
    private Units() {
    }

    /** A count with thousands separators: {@code 21,840}. */
    public static String count(long n) {
        // by hand: String.format costs a microsecond a call, and a 500-row table makes 1,500 of them
        String digits = Long.toString(Math.abs(n));
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (n < 0) {
            sb.append('-');
        }
        int first = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        sb.append(digits, 0, first);
        for (int i = first; i < digits.length(); i += 3) {
            sb.append(',').append(digits, i, i + 3);
        }
        return sb.toString();
    }

    /** A count and a noun, singular for 1: {@code 1 tensor}, {@code 8 tensors}, {@code 21,840 elements}. */
    public static String count(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /** A byte size in SI units with one decimal: {@code 40 B}, {@code 87.4 kB}, {@code 1.2 MB}, {@code 3.0 GB}. */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = n;
        int u = -1;
        while (v >= 999.95 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        long tenths = Math.round(v * 10);
        return tenths / 10 + "." + tenths % 10 + " " + units[u];
    }

    /** A shape as numpy prints it: {@code ()}, {@code (5,)}, {@code (64, 1, 28, 28)}. */
    public static String shape(long[] shape) {
        return shape.length == 0 ? "()" : Tensor.shapeString(shape);
    }

    /** The bytes of a tensor's elements. */
    public static long bytes(Tensor t) {
        return t.size() * t.dtype().itemSize();
    }

    /**
     * A number for a summary line, 4 significant digits without trailing zeros: {@code 0.3124}, {@code 1.5e-05},
     * {@code 12345}, {@code nan}; integral values as integers.
     */
    public static String number(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        String s = String.format(Locale.ROOT, "%.4g", x);
        if (s.contains("e")) {
            String[] parts = s.split("e");
            String mant = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
            int exp = Integer.parseInt(parts[1]);
            return mant + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A value for a table cell: numbers as {@link #number}, everything else by {@code toString()}. */
    public static String value(Object v) {
        if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        }
        return String.valueOf(v);
    }

    /** Left-pads {@code s} to {@code width}. */
    public static String right(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** Right-pads {@code s} to {@code width}. */
    public static String left(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
