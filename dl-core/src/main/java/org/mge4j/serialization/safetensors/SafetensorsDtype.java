package org.mge4j.serialization.safetensors;

import java.util.Map;
import org.mge4j.DType;
import org.mge4j.serialization.SerializationException;

/** The dtype names of the safetensors header, their bit sizes and alignment order, and which ones mge4j loads. */
final class SafetensorsDtype {
    /** Every dtype name the reference reader knows, with its size in bits. */
    static final Map<String, Integer> BITS = Map.ofEntries(
            Map.entry("BOOL", 8), Map.entry("F4", 4), Map.entry("F6_E2M3", 6), Map.entry("F6_E3M2", 6),
            Map.entry("U8", 8), Map.entry("I8", 8), Map.entry("F8_E5M2", 8), Map.entry("F8_E4M3", 8),
            Map.entry("F8_E8M0", 8), Map.entry("F8_E4M3FNUZ", 8), Map.entry("F8_E5M2FNUZ", 8),
            Map.entry("I16", 16), Map.entry("U16", 16), Map.entry("F16", 16), Map.entry("BF16", 16),
            Map.entry("I32", 32), Map.entry("U32", 32), Map.entry("F32", 32),
            Map.entry("C64", 64), Map.entry("F64", 64), Map.entry("I64", 64), Map.entry("U64", 64));

    private SafetensorsDtype() {
    }

    /** The header name of an mge4j dtype. */
    static String name(DType d) {
        switch (d) {
            case FLOAT32: return "F32";
            case FLOAT64: return "F64";
            case FLOAT16: return "F16";
            case INT32: return "I32";
            case INT64: return "I64";
            case INT8: return "I8";
            case UINT8: return "U8";
            case BOOL: return "BOOL";
            default: throw new SerializationException("dtype " + d + " has no safetensors name");
        }
    }

    /** The mge4j dtype of a (known) header name, or an error that names the tensor and the dtype. */
    static DType dtype(String name, String tensor) {
        switch (name) {
            case "F32": return DType.FLOAT32;
            case "F64": return DType.FLOAT64;
            case "F16": return DType.FLOAT16;
            case "I32": return DType.INT32;
            case "I64": return DType.INT64;
            case "I8": return DType.INT8;
            case "U8": return DType.UINT8;
            case "BOOL": return DType.BOOL;
            default:
                throw new SerializationException("tensor '" + tensor + "' has safetensors dtype " + name
                        + ", which mge4j has no tensor type for (it loads F16, BF16 (as float32), F32, F64, I8, I32, I64, U8 and BOOL)");
        }
    }

    /** The reference's Dtype enum order, by alignment; its writer sorts tensors by this, largest first. */
    private static final java.util.List<String> ORDER = java.util.List.of("BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8",
            "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
            "C64", "F64", "I64", "U64");

    /** The rank of a dtype in the reference's enum order. */
    static int alignment(DType d) {
        return ORDER.indexOf(name(d));
    }
}
