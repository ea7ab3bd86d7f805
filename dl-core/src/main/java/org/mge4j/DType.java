package org.mge4j;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The element types a {@link Tensor} can hold, named as MegEngine and numpy name them.
 *
 * <p>{@link #FLOAT32} is the default for floating data; Java {@code int} data becomes {@link #INT32}
 * and {@code double} data becomes {@link #FLOAT32} unless a dtype is asked for, as in MegEngine.
 */
public enum DType {
    FLOAT32("float32", DataType.FLOAT, 4, 6),
    FLOAT64("float64", DataType.DOUBLE, 8, 7),
    FLOAT16("float16", DataType.HALF, 2, 5),
    INT32("int32", DataType.INT, 4, 3),
    INT64("int64", DataType.LONG, 8, 4),
    INT8("int8", DataType.BYTE, 1, 2),
    UINT8("uint8", DataType.UBYTE, 1, 1),
    BOOL("bool", DataType.BOOL, 1, 0);

    private final String numpyName;
    private final DataType nd4j;
    private final int itemSize;
    private final int rank;

    DType(String numpyName, DataType nd4j, int itemSize, int rank) {
        this.numpyName = numpyName;
        this.nd4j = nd4j;
        this.itemSize = itemSize;
        this.rank = rank;
    }

    /** The numpy / MegEngine name, for example {@code "float32"}. */
    public String numpyName() {
        return numpyName;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** The ND4J data type that stores this dtype. */
    public DataType nd4j() {
        return nd4j;
    }

    /** True for float16, float32 and float64: the dtypes that can carry gradients. */
    public boolean isFloating() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /** True for the signed and unsigned integer dtypes (not bool). */
    public boolean isInteger() {
        return this == INT32 || this == INT64 || this == INT8 || this == UINT8;
    }

    /**
     * The dtype both operands of a binary op are converted to: the wider of the two, where any float
     * beats any integer and any integer beats bool (numpy's promotion on the dtypes mge4j has).
     */
    public static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.isFloating() != b.isFloating()) {
            return a.isFloating() ? a : b;
        }
        if ((a == INT8 && b == UINT8) || (a == UINT8 && b == INT8)) {
            return INT32;
        }
        return a.rank >= b.rank ? a : b;
    }

    /** The dtype stored by an ND4J array; fails for ND4J types mge4j does not support. */
    public static DType of(DataType type) {
        for (DType d : values()) {
            if (d.nd4j == type) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported ND4J data type " + type
                + "; mge4j supports float32, float64, float16, int32, int64, int8, uint8 and bool");
    }

    /**
     * Looks a dtype up by its numpy name ({@code "float32"}, {@code "int64"}, ...), also accepting the
     * numpy short codes {@code f4, f8, f2, i4, i8, i1, u1, b1}.
     */
    public static DType of(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        for (DType d : values()) {
            if (d.numpyName.equals(n)) {
                return d;
            }
        }
        switch (n) {
            case "f4": case "float": return FLOAT32;
            case "f8": case "double": return FLOAT64;
            case "f2": case "half": return FLOAT16;
            case "i4": case "int": return INT32;
            case "i8": case "long": return INT64;
            case "i1": return INT8;
            case "u1": return UINT8;
            case "b1": case "?": return BOOL;
            default:
                throw new IllegalArgumentException("unknown dtype '" + name
                        + "'; expected one of float32, float64, float16, int32, int64, int8, uint8, bool");
        }
    }

    @Override
    public String toString() {
        return numpyName;
    }
}
