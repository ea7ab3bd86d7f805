package org.mge4j.serialization.pickle;

import org.mge4j.serialization.SerializationException;

import static org.mge4j.serialization.pickle.Opcodes.*;

/**
 * Where a pickle ends: walks the opcodes of protocols 2 to 5 by their argument sizes, building nothing, up to the
 * STOP opcode. It tells a plain pickle from one followed by a (maybe truncated) checksum trailer.
 */
final class PickleEnd {
    private PickleEnd() {
    }

    /**
     * The offset just after the STOP opcode of the pickle that starts at {@code data[0]}.
     *
     * @throws SerializationException when the bytes end before STOP or hold an opcode this walker does not know
     *                                (callers then let the {@link Unpickler} say precisely what is wrong)
     */
    static long of(byte[] data) {
        long p = 0;
        long n = data.length;
        while (p < n) {
            int op = data[(int) p++] & 0xFF;
            long arg;
            switch (op) {
                case STOP:
                    return p;
                case MARK, POP, POP_MARK, DUP, NONE, NEWTRUE, NEWFALSE, EMPTY_TUPLE, TUPLE, TUPLE1, TUPLE2, TUPLE3,
                        EMPTY_LIST, APPEND, APPENDS, EMPTY_DICT, SETITEM, SETITEMS, EMPTY_SET, ADDITEMS, FROZENSET,
                        STACK_GLOBAL, REDUCE, BUILD, NEWOBJ, NEWOBJ_EX, MEMOIZE, BINPERSID, NEXT_BUFFER, READONLY_BUFFER:
                    arg = 0;
                    break;
                case PROTO, BININT1, BINGET, BINPUT, EXT1:
                    arg = 1;
                    break;
                case BININT2, EXT2:
                    arg = 2;
                    break;
                case BININT, LONG_BINGET, LONG_BINPUT, EXT4:
                    arg = 4;
                    break;
                case FRAME, BINFLOAT:
                    arg = 8;
                    break;
                case LONG1, SHORT_BINUNICODE, SHORT_BINBYTES, SHORT_BINSTRING:
                    arg = 1 + unsigned(data, p, 1, n);
                    break;
                case LONG4, BINUNICODE, BINBYTES, BINSTRING:
                    arg = 4 + unsigned(data, p, 4, n);
                    break;
                case BINUNICODE8, BINBYTES8, BYTEARRAY8:
                    arg = 8 + unsigned(data, p, 8, n);
                    break;
                case GLOBAL:
                    arg = lineEnd(data, lineEnd(data, p, n) + 1, n) + 1 - p;
                    break;
                default:
                    throw new SerializationException("opcode 0x" + Integer.toHexString(op) + " at byte " + (p - 1) + " is not walked");
            }
            if (arg < 0 || arg > n - p) {
                throw new SerializationException("the pickle ends inside the opcode at byte " + (p - 1));
            }
            p += arg;
        }
        throw new SerializationException("the pickle has no STOP opcode");
    }

    /** A little-endian length; too large to fit (so the caller reports the end) when its bytes are missing. */
    private static long unsigned(byte[] d, long p, int size, long n) {
        if (size > n - p) {
            return Long.MAX_VALUE / 2;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (d[(int) p + i] & 0xFF);
        }
        return v < 0 ? Long.MAX_VALUE / 2 : v;
    }

    private static long lineEnd(byte[] d, long p, long n) {
        for (long i = p; i < n; i++) {
            if (d[(int) i] == '\n') {
                return i;
            }
        }
        return Long.MAX_VALUE / 2;
    }
}
