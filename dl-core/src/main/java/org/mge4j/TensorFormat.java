package org.mge4j;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MegEngine's tensor repr, {@code Tensor([[1.  2.5]\n [3.  4. ]], device=cpu0:0)}: {@code "Tensor(" + str(x.numpy())}
 * under numpy's {@code printoptions(precision=4, suppress=True)}, as MegEngine's {@code __repr__} builds it.
 *
 * <p>The values follow numpy's {@code str} of an array exactly: floats in the shortest form that identifies the
 * value (float32 precision for float32), at most 4 decimals, aligned on the decimal point; scientific notation
 * only from 1e8 up; lines wrapped at 75 characters; and past 1000 elements only the first and last 3 items of each
 * axis, with {@code ...} between. Only the printed elements are read, so a huge tensor prints as fast as a small one.
 */
public final class TensorFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int PRECISION = 4;
    private static final int LINE_WIDTH = 75;
    private static final String SUMMARY = "...";

    private TensorFormat() {
    }

    /** The full repr, with the class name, a dtype note for dtypes other than float32, and the device. */
    public static String repr(Tensor t) {
        String name = t.getClass().getSimpleName().isEmpty() ? "Tensor" : t.getClass().getSimpleName();
        StringBuilder sb = new StringBuilder(name).append('(');
        sb.append(values(t.nd(), t.dtype()));
        if (t.dtype() != DType.FLOAT32) {
            sb.append(", dtype=").append(t.dtype().numpyName());
        }
        sb.append(", device=").append(t.device().logicalName()).append(')');
        return sb.toString();
    }

    /** numpy's {@code str(x.numpy())}: the values only, continuation lines indented by one space per open bracket. */
    public static String values(INDArray a, DType dtype) {
        return values(a, dtype, 0);
    }

    /**
     * The values as numpy's {@code array2string} prints them after a prefix of {@code indent} characters (numpy's
     * {@code repr} uses the width of {@code "array("}): continuation lines start with that many more spaces and the
     * line width counts them. {@link #values(INDArray, DType)} is {@code indent = 0}.
     */
    public static String values(INDArray a, DType dtype, int indent) {
        long[] shape = a.shape();
        if (shape.length == 0) {
            return scalar(a, dtype);
        }
        if (a.length() == 0) {
            return "[]";
        }
        boolean summarise = a.length() > THRESHOLD;
        Element format = Element.of(a, dtype, shownValues(a, dtype, shape, summarise));
        String prefix = " ".repeat(1 + indent);
        return recurse(a, dtype, format, shape, new long[0], prefix, LINE_WIDTH, summarise);
    }

    // ---------------------------------------------------------------- layout (numpy's _formatArray)

    private static String recurse(INDArray a, DType dtype, Element format, long[] shape, long[] index,
                                  String hanging, int width, boolean summarise) {
        int axis = index.length;
        int axesLeft = shape.length - axis;
        if (axesLeft == 0) {
            return format.format(read(a, dtype, index));
        }
        String nextHanging = hanging + " ";
        int nextWidth = width - 1;
        long n = shape[axis];
        boolean summary = summarise && 2 * EDGE < n;
        long leading = summary ? EDGE : 0;
        long trailing = summary ? EDGE : n;
        StringBuilder s = new StringBuilder();
        if (axesLeft == 1) {
            int elemWidth = width - 1;
            StringBuilder line = new StringBuilder(hanging);
            for (long i = 0; i < leading; i++) {
                extend(s, line, recurse(a, dtype, format, shape, with(index, i), nextHanging, nextWidth, summarise),
                        elemWidth, hanging);
                line.append(' ');
            }
            if (summary) {
                extend(s, line, SUMMARY, elemWidth, hanging);
                line.append(' ');
            }
            for (long i = trailing; i > 1; i--) {
                extend(s, line, recurse(a, dtype, format, shape, with(index, n - i), nextHanging, nextWidth,
                        summarise), elemWidth, hanging);
                line.append(' ');
            }
            extend(s, line, recurse(a, dtype, format, shape, with(index, n - 1), nextHanging, nextWidth, summarise),
                    elemWidth, hanging);
            s.append(line);
        } else {
            String lineSep = "\n".repeat(axesLeft - 1);
            for (long i = 0; i < leading; i++) {
                s.append(hanging).append(recurse(a, dtype, format, shape, with(index, i), nextHanging, nextWidth,
                        summarise)).append(lineSep);
            }
            if (summary) {
                s.append(hanging).append(SUMMARY).append(lineSep);
            }
            for (long i = trailing; i > 1; i--) {
                s.append(hanging).append(recurse(a, dtype, format, shape, with(index, n - i), nextHanging, nextWidth,
                        summarise)).append(lineSep);
            }
            s.append(hanging).append(recurse(a, dtype, format, shape, with(index, n - 1), nextHanging, nextWidth,
                    summarise));
        }
        return "[" + s.substring(hanging.length()) + "]";
    }

    /** numpy's _extendLine: wrap before a word that would pass the width, unless the line holds only the indent. */
    private static void extend(StringBuilder s, StringBuilder line, String word, int width, String hanging) {
        boolean wrap = line.length() + word.length() > width && line.length() > hanging.length();
        if (wrap) {
            s.append(line.toString().stripTrailing()).append('\n');
            line.setLength(0);
            line.append(hanging);
        }
        line.append(word);
    }

    private static long[] with(long[] index, long i) {
        long[] out = java.util.Arrays.copyOf(index, index.length + 1);
        out[index.length] = i;
        return out;
    }

    // ---------------------------------------------------------------- reading only what is printed

    private static List<Object> shownValues(INDArray a, DType dtype, long[] shape, boolean summarise) {
        List<Object> out = new ArrayList<>();
        collect(a, dtype, shape, new long[0], summarise, out);
        return out;
    }

    private static void collect(INDArray a, DType dtype, long[] shape, long[] index, boolean summarise,
                                List<Object> out) {
        if (index.length == shape.length) {
            out.add(read(a, dtype, index));
            return;
        }
        long n = shape[index.length];
        boolean summary = summarise && 2 * EDGE < n;
        for (long i = 0; i < n; i++) {
            if (summary && i == EDGE) {
                i = n - EDGE;
            }
            collect(a, dtype, shape, with(index, i), summarise, out);
        }
    }

    /** One element as a Float, Double, Long or Boolean, exactly (int64 beyond 2^53 stays exact). */
    private static Object read(INDArray a, DType dtype, long[] index) {
        return switch (dtype) {
            case FLOAT32, FLOAT16 -> a.getFloat(index);
            case FLOAT64 -> a.getDouble(index);
            case BOOL -> a.getDouble(index) != 0;
            default -> a.getLong(index);
        };
    }

    // ---------------------------------------------------------------- elements

    /** numpy prints a 0-d array as its scalar: shortest repr, positional between 1e-4 and 1e16. */
    private static String scalar(INDArray a, DType dtype) {
        Object v = read(a, dtype, new long[0]);
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Long l) {
            return Long.toString(l);
        }
        double x = ((Number) v).doubleValue();
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
        }
        BigDecimal d = shortest(v);
        double ax = Math.abs(x);
        if (x == 0 || (ax >= 1e-4 && ax < 1e16)) {
            String s = d.signum() == 0 ? (1 / x < 0 ? "-0" : "0") : d.stripTrailingZeros().toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        return scientific(v, Integer.MAX_VALUE, 0, 2).replace(".e", "e");
    }

    /** The formatter of one array's elements, sized from the printed elements (numpy's Float/Int/BoolFormat). */
    private interface Element {
        String format(Object value);

        static Element of(INDArray a, DType dtype, List<Object> shown) {
            if (dtype == DType.BOOL) {
                return v -> (Boolean) v ? " True" : "False";
            }
            if (!dtype.isFloating()) {
                int w = 0;
                for (Object v : shown) {
                    w = Math.max(w, Long.toString((Long) v).length());
                }
                int width = w;
                return v -> pad(Long.toString((Long) v), width);
            }
            return FloatElement.fill(shown);
        }
    }

    /** numpy's FloatingFormat in 'maxprec' mode with suppress=True. */
    private static final class FloatElement implements Element {
        private boolean exp;
        private int padLeft;
        private int padRight;
        private int precision = PRECISION;
        private int expDigits;

        static FloatElement fill(List<Object> shown) {
            FloatElement f = new FloatElement();
            List<Object> finite = new ArrayList<>();
            double maxAbs = 0;
            boolean anyNonFinite = false;
            boolean negInf = false;
            for (Object v : shown) {
                double x = ((Number) v).doubleValue();
                if (Double.isFinite(x)) {
                    finite.add(v);
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                } else {
                    anyNonFinite = true;
                    negInf |= x == Double.NEGATIVE_INFINITY;
                }
            }
            f.exp = maxAbs >= 1e8;
            if (!finite.isEmpty() && f.exp) {
                int frac = 0;
                for (Object v : finite) {
                    String s = scientific(v, PRECISION, 0, 0);
                    String mant = s.substring(0, s.indexOf('e'));
                    String exponent = s.substring(s.indexOf('e') + 1);
                    frac = Math.max(frac, mant.length() - mant.indexOf('.') - 1);
                    f.padLeft = Math.max(f.padLeft, mant.indexOf('.'));
                    f.expDigits = Math.max(f.expDigits, exponent.length() - 1);
                }
                f.precision = frac;
                f.padRight = f.expDigits + 2 + f.precision;
            } else if (!finite.isEmpty()) {
                for (Object v : finite) {
                    String s = positional(shortest(v), ((Number) v).doubleValue());
                    int dot = s.indexOf('.');
                    f.padLeft = Math.max(f.padLeft, dot);
                    f.padRight = Math.max(f.padRight, s.length() - dot - 1);
                }
            }
            if (anyNonFinite) {
                int offset = f.padRight + 1;
                f.padLeft = Math.max(f.padLeft, Math.max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
            }
            return f;
        }

        @Override
        public String format(Object value) {
            double x = ((Number) value).doubleValue();
            if (!Double.isFinite(x)) {
                String s = Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
                return pad(s, padLeft + padRight + 1);
            }
            if (exp) {
                return padInteger(scientific(value, precision, precision, expDigits), padLeft);
            }
            String s = positional(shortest(value), x);
            int dot = s.indexOf('.');
            return pad(s, padLeft + s.length() - dot) + " ".repeat(padRight - (s.length() - dot - 1));
        }
    }

    /**
     * The shortest decimal that reads back as the same value in the element's own precision (float32 or float64):
     * the digits numpy's Dragon4 prints in unique mode.
     */
    private static BigDecimal shortest(Object v) {
        if (v instanceof Float f) {
            BigDecimal exact = new BigDecimal(f.doubleValue());
            if (f == 0f) {
                return BigDecimal.ZERO;
            }
            for (int digits = 1; digits < 10; digits++) {
                BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
                if (d.floatValue() == f) {
                    return d;
                }
            }
            return exact;
        }
        double x = ((Number) v).doubleValue();
        if (x == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal exact = new BigDecimal(x);
        for (int digits = 1; digits < 18; digits++) {
            BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (d.doubleValue() == x) {
                return d;
            }
        }
        return exact;
    }

    /**
     * Positional with at most {@link #PRECISION} decimals and trailing zeros trimmed down to the point ({@code 1.},
     * {@code 0.1429}); a value that rounds to zero keeps its sign ({@code -0.}). Past 4 decimals the exact binary
     * value is rounded, not the shortest string, as Dragon4 does.
     */
    private static String positional(BigDecimal shortest, double x) {
        BigDecimal d = shortest.scale() > PRECISION
                ? new BigDecimal(x).setScale(PRECISION, RoundingMode.HALF_EVEN) : shortest;
        String s = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        if (d.signum() == 0 && (x < 0 || (x == 0 && 1 / x < 0))) {
            s = "-0";
        }
        return s.contains(".") ? s : s + ".";
    }

    /**
     * Scientific notation {@code 1.2346e+08}: the shortest digits, or the exact value rounded when they need more
     * than {@code maxFrac} mantissa decimals; at least {@code minFrac} decimals (zero padded); the point kept; an
     * exponent of at least {@code expDigits} digits and never fewer than 2.
     */
    private static String scientific(Object value, int maxFrac, int minFrac, int expDigits) {
        BigDecimal d = shortest(value);
        if (d.precision() - 1 > maxFrac) {
            d = new BigDecimal(((Number) value).doubleValue()).round(new MathContext(maxFrac + 1, RoundingMode.HALF_EVEN));
        }
        d = d.stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        StringBuilder mant = new StringBuilder(d.signum() < 0 ? "-" : "").append(digits.charAt(0)).append('.');
        mant.append(digits, 1, digits.length());
        for (int i = digits.length() - 1; i < minFrac; i++) {
            mant.append('0');
        }
        String e = Integer.toString(Math.abs(exponent));
        int width = Math.max(2, expDigits);
        return mant + "e" + (exponent < 0 ? "-" : "+") + "0".repeat(Math.max(0, width - e.length())) + e;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** Left-pads the part before the point to {@code intWidth}. */
    private static String padInteger(String s, int intWidth) {
        int dot = s.indexOf('.');
        return dot >= intWidth ? s : " ".repeat(intWidth - dot) + s;
    }
}
