package org.mge4j;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversion between Java numbers / nested primitive arrays and ND4J arrays, with MegEngine's default dtypes. */
final class NestedArrays {
    private NestedArrays() {
    }

    private enum Kind { FLOAT, INT, LONG, BYTE, BOOL }

    /** Builds an ND4J array from a number, a Tensor, or nested arrays / lists; {@code dtype} null means the default. */
    static INDArray toNd(Object data, DType dtype) {
        if (data == null) {
            throw new IllegalArgumentException("cannot make a tensor from null");
        }
        if (data instanceof Tensor t) {
            INDArray a = t.nd().dup();
            return dtype == null ? a : a.castTo(dtype.nd4j());
        }
        if (data instanceof INDArray a) {
            return dtype == null ? a.dup() : a.castTo(dtype.nd4j());
        }
        List<Long> shape = new ArrayList<>();
        Object probe = data;
        while (probe != null && (probe.getClass().isArray() || probe instanceof List)) {
            int n = probe instanceof List<?> l ? l.size() : Array.getLength(probe);
            shape.add((long) n);
            if (n == 0) {
                probe = null;
                break;
            }
            probe = probe instanceof List<?> l ? l.get(0) : Array.get(probe, 0);
        }
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        Kind kind = kindOf(data);
        int n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, (int) d);
        }
        double[] f = kind == Kind.FLOAT ? new double[n] : null;
        long[] l = kind == Kind.INT || kind == Kind.LONG || kind == Kind.BYTE ? new long[n] : null;
        boolean[] b = kind == Kind.BOOL ? new boolean[n] : null;
        int[] pos = {0};
        fill(data, dims, 0, f, l, b, pos);
        INDArray arr;
        DType natural;
        if (f != null) {
            arr = Nd4j.createFromArray(f);
            natural = DType.FLOAT32;
        } else if (l != null) {
            arr = Nd4j.createFromArray(l);
            natural = kind == Kind.LONG ? DType.INT64 : kind == Kind.BYTE ? DType.INT8 : DType.INT32;
        } else {
            arr = Nd4j.createFromArray(b);
            natural = DType.BOOL;
        }
        arr = arr.reshape('c', dims);
        DType target = dtype == null ? natural : dtype;
        return arr.dataType() == target.nd4j() ? arr : arr.castTo(target.nd4j());
    }

    private static Kind kindOf(Object data) {
        Object probe = data;
        Class<?> c = probe.getClass();
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (probe instanceof List<?> || c == Object.class || Number.class.isAssignableFrom(c) || c == Boolean.class) {
            return kindOfBoxed(data);
        }
        if (c == double.class || c == float.class) {
            return Kind.FLOAT;
        }
        if (c == int.class || c == short.class) {
            return Kind.INT;
        }
        if (c == long.class) {
            return Kind.LONG;
        }
        if (c == byte.class) {
            return Kind.BYTE;
        }
        if (c == boolean.class) {
            return Kind.BOOL;
        }
        throw new IllegalArgumentException("cannot make a tensor from " + data.getClass().getSimpleName()
                + "; use numbers, booleans, or (nested) arrays or lists of them");
    }

    private static Kind kindOfBoxed(Object o) {
        if (o instanceof Double || o instanceof Float) {
            return Kind.FLOAT;
        }
        if (o instanceof Long) {
            return Kind.LONG;
        }
        if (o instanceof Integer || o instanceof Short) {
            return Kind.INT;
        }
        if (o instanceof Byte) {
            return Kind.BYTE;
        }
        if (o instanceof Boolean) {
            return Kind.BOOL;
        }
        if (o instanceof List<?> || (o != null && o.getClass().isArray())) {
            int n = o instanceof List<?> l ? l.size() : Array.getLength(o);
            Kind widest = null;
            for (int i = 0; i < n; i++) {
                Object e = o instanceof List<?> l ? l.get(i) : Array.get(o, i);
                Kind k = e != null && e.getClass().isArray() && e.getClass().getComponentType().isPrimitive()
                        ? kindOf(e) : kindOfBoxed(e);
                widest = widest == null || k.ordinal() < widest.ordinal() ? k : widest;
            }
            return widest == null ? Kind.FLOAT : widest;
        }
        throw new IllegalArgumentException("cannot make a tensor from an element of type "
                + (o == null ? "null" : o.getClass().getSimpleName()));
    }

    private static void fill(Object o, long[] dims, int depth, double[] f, long[] l, boolean[] b, int[] pos) {
        if (depth == dims.length) {
            int p = pos[0]++;
            if (o instanceof Boolean bool) {
                if (b != null) {
                    b[p] = bool;
                } else if (f != null) {
                    f[p] = bool ? 1 : 0;
                } else {
                    l[p] = bool ? 1 : 0;
                }
            } else if (o instanceof Number num) {
                if (f != null) {
                    f[p] = num.doubleValue();
                } else if (l != null) {
                    l[p] = num.longValue();
                } else {
                    b[p] = num.doubleValue() != 0;
                }
            } else {
                throw new IllegalArgumentException("ragged or non-numeric data at depth " + depth + ": " + o);
            }
            return;
        }
        int n = o instanceof List<?> list ? list.size() : (o != null && o.getClass().isArray() ? Array.getLength(o) : -1);
        if (n != dims[depth]) {
            throw new IllegalArgumentException("ragged nested data: expected " + dims[depth] + " elements at depth "
                    + depth + " but found " + (n < 0 ? "a scalar" : String.valueOf(n)));
        }
        for (int i = 0; i < n; i++) {
            fill(o instanceof List<?> list ? list.get(i) : Array.get(o, i), dims, depth + 1, f, l, b, pos);
        }
    }

    /** The single element as a Java value of the dtype's natural type. */
    static Object scalarValue(INDArray a, DType dtype) {
        INDArray flat = a.reshape(1);
        return switch (dtype) {
            case FLOAT32, FLOAT16 -> flat.getFloat(0);
            case FLOAT64 -> flat.getDouble(0);
            case INT32, UINT8 -> flat.getInt(0);
            case INT64 -> flat.getLong(0);
            case INT8 -> (byte) flat.getInt(0);
            case BOOL -> flat.getDouble(0) != 0;
        };
    }

    /** The values as nested Java arrays (float32 -> float[]..., int64 -> long[]..., bool -> boolean[]...). */
    static Object toNested(INDArray a, DType dtype) {
        INDArray c = a.dup('c');
        long[] shape = c.shape();
        if (shape.length == 0) {
            return scalarValue(c, dtype);
        }
        Object flat = switch (dtype) {
            case FLOAT32, FLOAT16 -> c.castTo(DataType.FLOAT).data().asFloat();
            case FLOAT64 -> c.data().asDouble();
            case INT32, UINT8 -> c.castTo(DataType.INT).data().asInt();
            case INT64 -> c.data().asLong();
            case INT8 -> c.castTo(DataType.BYTE).data().asBytes();
            case BOOL -> toBooleans(c.castTo(DataType.INT).data().asInt());
        };
        return nest(flat, shape, 0, new int[] {0});
    }

    private static boolean[] toBooleans(int[] v) {
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] != 0;
        }
        return out;
    }

    private static Object nest(Object flat, long[] shape, int depth, int[] pos) {
        int n = (int) shape[depth];
        Class<?> leaf = flat.getClass().getComponentType();
        if (depth == shape.length - 1) {
            Object row = Array.newInstance(leaf, n);
            System.arraycopy(flat, pos[0], row, 0, n);
            pos[0] += n;
            return row;
        }
        int[] dims = new int[shape.length - depth - 1];
        Class<?> type = leaf;
        for (int i = 0; i < dims.length; i++) {
            type = type.arrayType();
        }
        Object out = Array.newInstance(type, n);
        for (int i = 0; i < n; i++) {
            Array.set(out, i, nest(flat, shape, depth + 1, pos));
        }
        return out;
    }
}
