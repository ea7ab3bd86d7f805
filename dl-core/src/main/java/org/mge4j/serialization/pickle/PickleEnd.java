package org.mge4j.serialization.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.mge4j.serialization.SerializationException;

import static org.mge4j.serialization.pickle.Opcodes.*;

/**
 * Where a pickle ends: walks the opcodes of protocols 2 to 5 by their argument sizes, building nothing, up to the
 * STOP opcode. It tells a plain pickle from one followed by a (maybe truncated) checksum trailer, and finds the
 * large BINBYTES payloads (array data) a file reader can skip.
 */
final class PickleEnd {
    private PickleEnd() {
    }

    /** Random access to the bytes being walked. */
    interface Bytes {
        /** The byte at {@code index} (0 to 255). */
        int at(long index) throws IOException;
    }

    /** Told about each BINBYTES payload as it is walked over. */
    interface Payloads {
        /** A BINBYTES opcode at {@code opcode} whose {@code length} data bytes start at {@code opcode + 5}. */
        void binbytes(long opcode, long length);
    }

    /** {@link #of(Bytes, long, Payloads)} over an array, without payloads. */
    static long of(byte[] data) {
        try {
            return of(i -> data[(int) i] & 0xFF, data.length, null);
        } catch (IOException e) {
            throw new IllegalStateException(e); // an array does no I/O
        }
    }

    /**
     * The offset just after the STOP opcode of the pickle that starts at byte 0 of {@code n} bytes.
     *
     * @throws SerializationException when the bytes end before STOP or hold an opcode this walker does not know
     *                                (callers then let the {@link Unpickler} say precisely what is wrong)
     */
    static long of(Bytes data, long n, Payloads payloads) throws IOException {
        long p = 0;
        while (p < n) {
            long opStart = p;
            int op = data.at(p++);
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
                case BINBYTES:
                    arg = 4 + unsigned(data, p, 4, n);
                    if (payloads != null && arg <= n - p) {
                        payloads.binbytes(opStart, arg - 4);
                    }
                    break;
                case LONG4, BINUNICODE, BINSTRING:
                    arg = 4 + unsigned(data, p, 4, n);
                    break;
                case BINUNICODE8, BINBYTES8, BYTEARRAY8:
                    arg = 8 + unsigned(data, p, 8, n);
                    break;
                case GLOBAL:
                    arg = lineEnd(data, lineEnd(data, p, n) + 1, n) + 1 - p;
                    break;
                default:
                    throw new SerializationException("opcode 0x" + Integer.toHexString(op) + " at byte " + opStart + " is not walked");
            }
            if (arg < 0 || arg > n - p) {
                throw new SerializationException("the pickle ends inside the opcode at byte " + opStart);
            }
            p += arg;
        }
        throw new SerializationException("the pickle has no STOP opcode");
    }

    /** Bytes of a file, read through a 64 KiB window that moves forward with the walk. */
    static Bytes of(FileChannel ch) {
        ByteBuffer window = ByteBuffer.allocate(1 << 16);
        long[] start = {-1};
        return i -> {
            if (start[0] < 0 || i < start[0] || i >= start[0] + window.limit()) {
                window.clear();
                long p = i;
                while (window.hasRemaining() && ch.read(window, p) > 0) {
                    p = i + window.position();
                }
                window.flip();
                start[0] = i;
                if (!window.hasRemaining()) {
                    throw new SerializationException("the file ended while reading byte " + i + " (it shrank while being read?)");
                }
            }
            return window.get((int) (i - start[0])) & 0xFF;
        };
    }

    /** A little-endian length; too large to fit (so the caller reports the end) when its bytes are missing. */
    private static long unsigned(Bytes d, long p, int size, long n) throws IOException {
        if (size > n - p) {
            return Long.MAX_VALUE / 2;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | d.at(p + i);
        }
        return v < 0 ? Long.MAX_VALUE / 2 : v;
    }

    private static long lineEnd(Bytes d, long p, long n) throws IOException {
        for (long i = p; i < n && i < p + 4096; i++) {
            if (d.at(i) == '\n') {
                return i;
            }
        }
        return Long.MAX_VALUE / 2;
    }
}
