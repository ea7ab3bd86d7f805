package org.mge4j.serialization.numpy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;

/**
 * The numpy {@code .npy} format (versions 1.0, 2.0 and 3.0): magic {@code \x93NUMPY}, a header that is a Python
 * dict literal ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}), then the raw items. The
 * header is parsed as data, never evaluated, and the data size is checked against the bytes present before the
 * tensor is allocated.
 */
public final class NpyFormat {
    /** The six magic bytes every .npy file starts with. */
    public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;

    private NpyFormat() {
    }

    /** True when {@code data} starts with the .npy magic. */
    public static boolean isNpy(byte[] data, int offset, int length) {
        if (length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[offset + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the one array of a .npy file held in {@code length} bytes of {@code data} at {@code offset}.
     *
     * @param what names the file in error messages
     * @throws SerializationException for a bad magic, version, header, dtype, or a data size that does not match
     */
    public static Tensor read(byte[] data, int offset, int length, String what) {
        Header h = header(data, offset, length, what);
        long need = h.dataBytes();
        int have = length - h.dataStart();
        if (need != have) {
            throw new SerializationException(what + ": shape " + java.util.Arrays.toString(h.shape()) + " of " + h.dtype().descr()
                    + " needs " + need + " data bytes but the file has " + have + (need > have ? " (truncated)" : " (trailing bytes)"));
        }
        return ArrayBytes.toTensor(data, offset + h.dataStart(), have, h.dtype(), h.shape(), h.fortran() ? 'F' : 'C');
    }

    /**
     * What a .npy header declares, parsed and validated without touching the data.
     *
     * @param dtype     the item type
     * @param shape     the shape
     * @param fortran   true for Fortran (column-major) order
     * @param dataStart where the data starts, relative to the file start
     * @param dataBytes how many data bytes the shape and dtype need
     */
    public record Header(NumpyDtype dtype, long[] shape, boolean fortran, int dataStart, long dataBytes) {
    }

    /**
     * Parses the magic, version and header dict of a .npy file; the data need not be present.
     *
     * @throws SerializationException for a bad magic, version or header, or a dtype mge4j does not load
     */
    public static Header header(byte[] data, int offset, int length, String what) {
        if (!isNpy(data, offset, length)) {
            throw new SerializationException(what + " is not a .npy file: it does not start with \\x93NUMPY");
        }
        if (length < 10) {
            throw new SerializationException(what + " is truncated: a .npy header needs at least 10 bytes, the file has " + length);
        }
        int major = data[offset + 6] & 0xFF;
        int minor = data[offset + 7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new SerializationException(what + " has .npy format version " + major + "." + minor + "; mge4j reads 1.0, 2.0 and 3.0");
        }
        int lenBytes = major == 1 ? 2 : 4;
        if (length < 8 + lenBytes) {
            throw new SerializationException(what + " is truncated inside the .npy header length");
        }
        long headerLen = 0;
        for (int i = lenBytes - 1; i >= 0; i--) {
            headerLen = (headerLen << 8) | (data[offset + 8 + i] & 0xFF);
        }
        int start = 8 + lenBytes;
        if (headerLen > MAX_HEADER || headerLen > length - start) {
            throw new SerializationException(what + " declares a .npy header of " + headerLen + " bytes but only "
                    + (length - start) + " bytes follow (limit " + MAX_HEADER + ")");
        }
        String header = new String(data, offset + start, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> h = HeaderParser.parse(header, what);
        Object descr = h.get("descr");
        Object fortran = h.get("fortran_order");
        Object shape = h.get("shape");
        if (h.size() != 3 || !(descr instanceof String d) || !(fortran instanceof Boolean f) || !(shape instanceof long[] s)) {
            throw new SerializationException(what + ": a .npy header must have exactly 'descr' (a string), 'fortran_order' "
                    + "(True/False) and 'shape' (a tuple of ints); got " + header.strip());
        }
        NumpyDtype dtype = NumpyDtype.parse(d);
        dtype.dtype(); // refuses structured, object and unsupported dtypes before any size arithmetic
        return new Header(dtype, s, f, start + (int) headerLen, ArrayBytes.byteSize(s, dtype.dtype().itemSize()));
    }

    /** Writes {@code t} as a version 1.0 .npy file, little-endian, C order, header padded to 64 bytes as numpy does. */
    public static void write(Tensor t, OutputStream out) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        long[] s = t.shape();
        for (int i = 0; i < s.length; i++) {
            shape.append(i == 0 ? "" : ", ").append(s[i]);
        }
        shape.append(s.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + NumpyDtype.of(t.dtype()).descr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // numpy's spare room for growing the first axis in place, then spaces up to 64 bytes: byte-identical to np.save
        if (s.length > 0) {
            dict += " ".repeat(Math.max(0, 21 - Long.toString(s[0]).length()));
        }
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] hb = header.getBytes(StandardCharsets.ISO_8859_1);
        if (hb.length > 0xFFFF) {
            throw new SerializationException("tensor rank " + s.length + " makes a .npy header too long for version 1.0");
        }
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) hb.length, (byte) (hb.length >>> 8)});
        out.write(hb);
        out.write(ArrayBytes.toBytes(t));
    }

    /** A parser for the Python literal subset .npy headers use: a dict of str keys to str, bool and int tuples. */
    private static final class HeaderParser {
        private final String s;
        private final String what;
        private int pos;

        private HeaderParser(String s, String what) {
            this.s = s;
            this.what = what;
        }

        static Map<String, Object> parse(String header, String what) {
            HeaderParser p = new HeaderParser(header, what);
            p.skip();
            Map<String, Object> m = p.dict();
            p.skip();
            if (p.pos != header.length()) {
                throw p.fail("unexpected text after the header dict");
            }
            return m;
        }

        private Map<String, Object> dict() {
            expect('{');
            Map<String, Object> m = new LinkedHashMap<>();
            skip();
            while (peek() != '}') {
                String key = string();
                skip();
                expect(':');
                skip();
                Object v = value();
                if (m.put(key, v) != null) {
                    throw fail("duplicate key '" + key + "'");
                }
                skip();
                if (peek() == ',') {
                    pos++;
                    skip();
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}'");
                }
            }
            pos++;
            return m;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw fail("expected a string, True, False or a tuple of ints (structured dtypes are not supported)");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            skip();
            while (peek() != ')') {
                int from = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                if (from == pos || pos - from > 18) {
                    throw fail("a shape must hold non-negative ints below 10^18");
                }
                dims.add(Long.parseLong(s.substring(from, pos)));
                if (dims.size() > ArrayBytes.MAX_RANK) {
                    throw fail("a shape has more than " + ArrayBytes.MAX_RANK + " dimensions");
                }
                skip();
                if (peek() == ',') {
                    pos++;
                    skip();
                } else if (peek() != ')') {
                    throw fail("expected ',' or ')' in the shape");
                }
            }
            pos++;
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw fail("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0 || s.indexOf('\\', pos + 1) >= 0 && s.indexOf('\\', pos + 1) < end) {
                throw fail("unterminated or escaped string");
            }
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private void skip() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n')) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw fail("the header ends too early");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private SerializationException fail(String why) {
            String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
            return new SerializationException(what + ": bad .npy header at character " + pos + ": " + why + "; header: " + shown.strip());
        }
    }
}
