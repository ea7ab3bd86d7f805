package org.mge4j;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MegEngine's tensor repr, {@code Tensor([[1. 2.] [3. 4.]], device=cpu0:0)}: numpy's printing with precision 4
 * and suppressed scientific notation, summarised with "..." past 1000 elements.
 */
public final class TensorFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int PRECISION = 4;

    private TensorFormat() {
    }

    /** The full repr, with the class name, a dtype note for dtypes other than float32, and the device. */
    public static String repr(Tensor t) {
        String prefix = t.getClass().getSimpleName().isEmpty() ? "Tensor" : t.getClass().getSimpleName();
        prefix += "(";
        StringBuilder sb = new StringBuilder(prefix);
        sb.append(values(t.nd(), t.dtype(), prefix.length()));
        if (t.dtype() != DType.FLOAT32) {
            sb.append(", dtype=").append(t.dtype().numpyName());
        }
        sb.append(", device=").append(t.device().logicalName()).append(')');
        return sb.toString();
    }

    /** The numpy-style value text ({@code str(x.numpy())}), continuation lines indented by {@code indent}. */
    public static String values(INDArray a, DType dtype, int indent) {
        INDArray c = a.dup('c');
        long[] shape = c.shape();
        boolean summarise = c.length() > THRESHOLD;
        double[] v = c.length() == 0 ? new double[0] : c.castTo(DataType.DOUBLE).data().asDouble();
        String[] text = new String[v.length];
        int width = 0;
        int fracWidth = 0;
        for (int i = 0; i < v.length; i++) {
            if (summarise && !shown(i, shape)) {
                continue;
            }
            text[i] = element(v[i], dtype);
            int dot = text[i].indexOf('.');
            if (dtype.isFloating() && dot >= 0 && Double.isFinite(v[i])) {
                fracWidth = Math.max(fracWidth, text[i].length() - dot - 1);
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (text[i] == null) {
                continue;
            }
            int dot = text[i].indexOf('.');
            if (dtype.isFloating() && dot >= 0 && Double.isFinite(v[i])) {
                text[i] = text[i] + " ".repeat(fracWidth - (text[i].length() - dot - 1));
            }
            width = Math.max(width, text[i].length());
        }
        if (shape.length == 0) {
            return text.length == 0 ? "[]" : text[0].strip();
        }
        StringBuilder sb = new StringBuilder();
        nest(sb, text, shape, 0, 0, width, summarise, indent);
        return sb.toString();
    }

    private static boolean shown(long flat, long[] shape) {
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            long i = rest % shape[d];
            rest /= shape[d];
            if (shape[d] > 2 * EDGE && i >= EDGE && i < shape[d] - EDGE) {
                return false;
            }
        }
        return true;
    }

    private static void nest(StringBuilder sb, String[] text, long[] shape, int depth, long offset, int width,
                             boolean summarise, int indent) {
        long n = shape[depth];
        long stride = 1;
        for (int d = depth + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        sb.append('[');
        for (long i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE && i == EDGE) {
                sb.append(depth == shape.length - 1 ? " ..." : "...");
                i = n - EDGE - 1;
                if (depth < shape.length - 1) {
                    sb.append("\n".repeat(shape.length - depth - 1)).append(" ".repeat(indent + depth + 1));
                }
                continue;
            }
            if (depth == shape.length - 1) {
                if (i > 0) {
                    sb.append(' ');
                }
                String s = text[(int) (offset + i)];
                sb.append(" ".repeat(Math.max(0, width - s.length()))).append(s);
            } else {
                if (i > 0) {
                    sb.append("\n".repeat(shape.length - depth - 1)).append(" ".repeat(indent + depth + 1));
                }
                nest(sb, text, shape, depth + 1, offset + i * stride, width, summarise, indent);
            }
        }
        sb.append(']');
    }

    private static String element(double x, DType dtype) {
        if (dtype == DType.BOOL) {
            return x != 0 ? "True" : "False";
        }
        if (!dtype.isFloating()) {
            return Long.toString((long) x);
        }
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(x).setScale(PRECISION, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        if (s.equals("-0")) {
            s = "-0";
        }
        return s.contains(".") ? s : s + ".";
    }
}
