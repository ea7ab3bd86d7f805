package org.mge4j.serialization.numpy;

import java.nio.ByteOrder;
import org.mge4j.DType;
import org.mge4j.serialization.SerializationException;

/**
 * A numpy dtype as files describe it: a kind and size ({@code "f4"}, {@code "i8"}, {@code "b1"}) and a byte
 * order ({@code '<'}, {@code '>'}, {@code '|'} or {@code '='}). Only the dtypes mge4j tensors hold are accepted
 * by {@link #dtype()}; object, string, datetime and complex dtypes are refused there, never built.
 *
 * @param kindSize  the kind letter and item size, for example {@code "f4"}
 * @param byteOrder the byte order character
 */
public record NumpyDtype(String kindSize, char byteOrder) {
    /** Parses a numpy descriptor such as {@code "<f4"}, {@code "|b1"} or {@code "f8"} (native order). */
    public static NumpyDtype parse(String descr) {
        if (descr == null || descr.isEmpty()) {
            throw new SerializationException("empty numpy dtype descriptor");
        }
        char c = descr.charAt(0);
        if (c == '<' || c == '>' || c == '|' || c == '=') {
            return new NumpyDtype(descr.substring(1), c);
        }
        return new NumpyDtype(descr, '=');
    }

    /** The numpy descriptor of an mge4j dtype, little-endian: {@code "<f4"}, {@code "|b1"}. */
    public static NumpyDtype of(DType dtype) {
        String ks = kindSize(dtype);
        return new NumpyDtype(ks, dtype.itemSize() == 1 ? '|' : '<');
    }

    /** The kind letter plus item size numpy uses for an mge4j dtype. */
    public static String kindSize(DType dtype) {
        switch (dtype) {
            case FLOAT32: return "f4";
            case FLOAT64: return "f8";
            case FLOAT16: return "f2";
            case INT32: return "i4";
            case INT64: return "i8";
            case INT8: return "i1";
            case UINT8: return "u1";
            case BOOL: return "b1";
            default: throw new SerializationException("dtype " + dtype + " has no numpy equivalent");
        }
    }

    /** The same kind and size with another byte order (numpy's dtype state sets it after construction). */
    public NumpyDtype withByteOrder(char order) {
        if (order != '<' && order != '>' && order != '|' && order != '=') {
            throw new SerializationException("numpy dtype byte order must be '<', '>', '|' or '=', got '" + order + "'");
        }
        return new NumpyDtype(kindSize, order);
    }

    /** The descriptor, for example {@code "<f4"}. */
    public String descr() {
        return byteOrder + kindSize;
    }

    /**
     * The mge4j dtype this numpy dtype loads as.
     *
     * @throws SerializationException for numpy dtypes mge4j has no tensor type for (object, strings, complex,
     *                                int16, uint32, ...), naming the dtype
     */
    public DType dtype() {
        switch (kindSize) {
            case "f4": return DType.FLOAT32;
            case "f8": return DType.FLOAT64;
            case "f2": return DType.FLOAT16;
            case "i4": return DType.INT32;
            case "i8": return DType.INT64;
            case "i1": return DType.INT8;
            case "u1": return DType.UINT8;
            case "b1": return DType.BOOL;
            default:
                if (kindSize.startsWith("O")) {
                    throw new SerializationException("numpy object arrays (dtype 'O') are refused: they hold pickled Python objects, which could run code");
                }
                throw new SerializationException("numpy dtype '" + descr() + "' has no mge4j tensor type; mge4j loads float16/32/64, int8/32/64, uint8 and bool arrays");
        }
    }

    /** Java's byte order for the data: {@code '|'} and {@code '='} mean the machine's order. */
    public ByteOrder order() {
        return byteOrder == '>' ? ByteOrder.BIG_ENDIAN
                : byteOrder == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
    }
}
