package org.mge4j.jit;

import java.nio.charset.StandardCharsets;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The constants of the {@code .mge} static-graph format, version 1. All integers are little-endian.
 *
 * <pre>
 * header, 64 bytes
 *   0  8  magic "MGE4JGR\0"
 *   8  4  u32 format version (1)
 *  12  4  u32 flags (0; readers refuse others)
 *  16  8  u64 graph section offset (64)
 *  24  8  u64 graph section length
 *  32  8  u64 weights section offset (a multiple of 64, after the graph section)
 *  40  8  u64 weights section length (the file ends right after it)
 *  48  4  u32 CRC32C of every byte from offset 64 to the end of the file
 *  52 12  zeros
 * graph section
 *   u32 var count, then per var:
 *     str name; u8 role (0 input, 1 const, 2 op result); u8 dtype; u8 rank (at most 8); i64 dims[rank];
 *     for a const: u64 offset in the weights section (a multiple of 64), u64 byte length (= elements * dtype size)
 *   u32 op count, then per op (in execution order):
 *     u16 op code ({@link OpKind}); u8 input count; i32 input var per input (-1: absent); u32 result var;
 *     u8 attribute count, then per attribute: str name; u8 type (1 i64, 2 f64, 3 bool, 4 str, 5 i64 list);
 *     the value (i64 | f64 | u8 0/1 | str | u32 count + i64 each)
 *   u32 input count, u32 var per input (inputs are named by their vars)
 *   u32 output count, then per output: str name; u32 var
 * str: u16 byte length (at most 1024) + UTF-8 bytes
 * weights section: each constant's elements, row-major, little-endian, starting at its 64-aligned offset
 * </pre>
 * A reader validates every length, count, index and attribute before it allocates, and never loads code.
 */
final class MgeFormat {
    static final byte[] MAGIC = "MGE4JGR\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 64;
    static final int ALIGN = 64;
    static final int MAX_STRING = 1024;
    static final int MAX_RANK = 8;
    static final int MAX_VARS = 1 << 20;
    static final int MAX_OPS = 1 << 20;
    static final int MAX_ATTR_LIST = 64;
    /** Elements of one constant or input (2^31 - 1): ND4J's practical limit and a guard against absurd shapes. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    static final int ROLE_INPUT = 0;
    static final int ROLE_CONST = 1;
    static final int ROLE_INTERNAL = 2;

    static final int ATTR_INT = 1;
    static final int ATTR_FLOAT = 2;
    static final int ATTR_BOOL = 3;
    static final int ATTR_STRING = 4;
    static final int ATTR_INTS = 5;

    private static final DataType[] DTYPES = {null, DataType.FLOAT, DataType.DOUBLE, DataType.INT, DataType.LONG,
        DataType.BOOL, null, DataType.BYTE, DataType.UBYTE, DataType.SHORT};

    private MgeFormat() {
    }

    static int dtypeCode(DataType t) {
        for (int i = 1; i < DTYPES.length; i++) {
            if (DTYPES[i] == t) {
                return i;
            }
        }
        throw new IllegalArgumentException("dtype " + t + " cannot be stored in a .mge file");
    }

    /** The dtype of a code, or null when unknown. */
    static DataType dtype(int code) {
        return code > 0 && code < DTYPES.length ? DTYPES[code] : null;
    }

    static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }
}
