package org.mge4j.module;

import java.math.BigDecimal;

/** Python's {@code repr} of the values module reprs print, so that reprs match MegEngine's text exactly. */
final class PyFormat {
    private PyFormat() {
    }

    /** Python's float repr: {@code 0.9}, {@code 1e-05}, {@code 0.0}, {@code 1e+16}. */
    static String floatRepr(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip, as Python's repr does
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String exp = String.format("%02d", Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
        }
        String plain = d.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** Python's tuple repr of ints: {@code (5, 5)}, {@code (1,)}. */
    static String tuple(int... values) {
        return org.mge4j.Tensor.shapeString(java.util.Arrays.stream(values).asLongStream().toArray());
    }

    /** Python's bool repr. */
    static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
