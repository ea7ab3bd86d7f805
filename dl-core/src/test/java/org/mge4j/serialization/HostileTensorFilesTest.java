package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/**
 * Corrupt and hostile .npy, .npz and .safetensors files, one per check of the readers: each is refused with a
 * SerializationException whose message names the problem, quickly and without allocating what it claims.
 */
class HostileTensorFilesTest {
    record Case(String name, Format format, byte[] data, String expect) {
    }

    static byte[] st(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    static byte[] stRawLength(long n, int total) {
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n);
        if (total > 8) {
            b.put((byte) '{');
        }
        return b.array();
    }

    static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    static byte[] zip(boolean deflate, Object... nameData) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < nameData.length; i += 2) {
                ZipEntry e = new ZipEntry((String) nameData[i]);
                e.setMethod(deflate ? ZipEntry.DEFLATED : ZipEntry.STORED);
                byte[] b = (byte[]) nameData[i + 1];
                if (!deflate) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(b);
                    e.setSize(b.length);
                    e.setCompressedSize(b.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(b);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static List<Case> cases() throws Exception {
        List<Case> c = new ArrayList<>();
        Format S = Format.SAFETENSORS;
        String ok = t("a", "F32", "[2]", 0, 8);
        c.add(new Case("st_too_small", S, new byte[5], "HeaderTooSmall"));
        c.add(new Case("st_header_too_large", S, stRawLength(200_000_000L, 16), "HeaderTooLarge"));
        c.add(new Case("st_header_length_negative", S, stRawLength(-1L, 16), "HeaderTooLarge"));
        c.add(new Case("st_header_past_end", S, stRawLength(1000, 16), "InvalidHeaderLength"));
        c.add(new Case("st_entry_not_object", S, st("{\"\u00ff\":1}", 0), "exactly dtype"));
        byte[] bad = st("{\"a\":1}  ", 0);
        bad[10] = (byte) 0xC3;
        bad[11] = (byte) 0x28;
        c.add(new Case("st_invalid_utf8_bytes", S, bad, "UTF-8"));
        c.add(new Case("st_not_object", S, st("[1,2,3]", 0), "start with '{'"));
        c.add(new Case("st_bad_json", S, st("{\"a\":{\"dtype\":", 0), "not valid JSON"));
        c.add(new Case("st_duplicate_key", S, st("{" + ok + "," + ok + "}", 8), "not valid JSON"));
        c.add(new Case("st_unknown_dtype", S, st("{" + t("a", "F31", "[2]", 0, 8) + "}", 8), "unknown dtype"));
        c.add(new Case("st_i16_unsupported", S, st("{" + t("a", "I16", "[2]", 0, 4) + "}", 4), "I16"));
        c.add(new Case("st_bf16_wrong_size", S, st("{" + t("a", "BF16", "[2]", 0, 8) + "}", 8), "TensorInvalidInfo"));
        c.add(new Case("st_gap", S, st("{" + t("a", "F32", "[2]", 4, 12) + "}", 12), "InvalidOffset"));
        c.add(new Case("st_overlap", S, st("{" + ok + "," + t("b", "F32", "[2]", 4, 12) + "}", 12), "InvalidOffset"));
        c.add(new Case("st_end_before_begin", S, st("{" + t("a", "F32", "[0]", 0, 0) + "," + t("b", "F32", "[2]", 8, 0) + "}", 8), "InvalidOffset"));
        c.add(new Case("st_shape_mismatch", S, st("{" + t("a", "F32", "[3]", 0, 8) + "}", 8), "TensorInvalidInfo"));
        c.add(new Case("st_shape_overflow", S, st("{" + t("a", "F32", "[281474976710655,281474976710655]", 0, 8) + "}", 8), "overflow"));
        c.add(new Case("st_huge_shape_small_file", S, st("{" + t("a", "F32", "[100000000000]", 0, 400000000000L) + "}", 0), "MetadataIncompleteBuffer"));
        c.add(new Case("st_offsets_too_big", S, st("{" + t("a", "F32", "[2]", 0, 1L << 50) + "}", 8), "2^48"));
        c.add(new Case("st_negative_dim", S, st("{" + t("a", "F32", "[-2]", 0, 8) + "}", 8), "integers from 0"));
        c.add(new Case("st_truncated_data", S, st("{" + ok + "}", 4), "MetadataIncompleteBuffer"));
        c.add(new Case("st_trailing_bytes", S, st("{" + ok + "}", 12), "MetadataIncompleteBuffer"));
        c.add(new Case("st_extra_field", S, st("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8), "exactly dtype"));
        c.add(new Case("st_nested_metadata", S, st("{\"__metadata__\":{\"k\":{\"x\":\"y\"}}," + ok + "}", 8), "not a string"));
        c.add(new Case("st_metadata_not_map", S, st("{\"__metadata__\":[1]," + ok + "}", 8), "map of strings"));
        c.add(new Case("st_float_offsets", S, st("{" + t("a", "F32", "[2]", 0, 8).replace("8]", "8.5]") + "}", 8), "integers"));

        Format N = Format.NPY;
        String okDict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        c.add(new Case("npy_bad_magic", N, "\u0093NUMPX\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1), "\\x93NUMPY"));
        c.add(new Case("npy_truncated_header_length", N, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, "truncated"));
        byte[] v9 = TensorFilesTest.npy(okDict, new byte[8]);
        v9[6] = 9;
        c.add(new Case("npy_version_9", N, v9, "version 9.0"));
        byte[] longHeader = TensorFilesTest.npy(okDict, new byte[8]);
        longHeader[8] = (byte) 0xFF;
        longHeader[9] = (byte) 0xFF;
        c.add(new Case("npy_header_past_end", N, longHeader, "declares a .npy header"));
        c.add(new Case("npy_object_dtype", N, TensorFilesTest.npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]), "object arrays"));
        c.add(new Case("npy_structured_dtype", N, TensorFilesTest.npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", new byte[8]), "structured"));
        c.add(new Case("npy_code_in_header", N, TensorFilesTest.npy("{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (2,), }", new byte[8]), "bad .npy header"));
        c.add(new Case("npy_missing_shape", N, TensorFilesTest.npy("{'descr': '<f4', 'fortran_order': False, }", new byte[8]), "exactly 'descr'"));
        c.add(new Case("npy_duplicate_key", N, TensorFilesTest.npy("{'descr': '<f4', 'descr': '<f4', 'shape': (2,), }", new byte[8]), "duplicate key"));
        c.add(new Case("npy_negative_dim", N, TensorFilesTest.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", new byte[8]), "non-negative"));
        c.add(new Case("npy_huge_shape", N, TensorFilesTest.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000000, 100000), }", new byte[8]), "overflow"));
        c.add(new Case("npy_claims_gigabytes", N, TensorFilesTest.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", new byte[8]), "truncated"));
        c.add(new Case("npy_truncated_data", N, TensorFilesTest.npy(okDict, new byte[5]), "truncated"));
        c.add(new Case("npy_trailing_data", N, TensorFilesTest.npy(okDict, new byte[12]), "trailing"));
        c.add(new Case("npy_unterminated_string", N, TensorFilesTest.npy("{'descr: '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]), "bad .npy header"));

        Format Z = Format.NPZ;
        byte[] good = TensorFilesTest.npy(okDict, new byte[8]);
        c.add(new Case("npz_not_zip", Z, "PK\u0003\u0004garbage".getBytes(StandardCharsets.ISO_8859_1), "npz"));
        c.add(new Case("npz_empty_zip", Z, zip(false), "no .npy entries"));
        c.add(new Case("npz_non_npy_entry", Z, zip(false, "a.npy", good, "evil.pkl", new byte[] {(byte) 0x80, 2, '.'}), "not an .npy array"));
        // Java's ZipOutputStream refuses duplicate names, so write b.npy and rename it to a.npy in the bytes
        byte[] dup = new String(zip(false, "a.npy", good, "b.npy", good), StandardCharsets.ISO_8859_1)
                .replace("b.npy", "a.npy").getBytes(StandardCharsets.ISO_8859_1);
        c.add(new Case("npz_duplicate_entry", Z, dup, "twice"));
        c.add(new Case("npz_entry_not_npy", Z, zip(false, "a.npy", new byte[] {1, 2, 3}), "not a .npy array"));
        c.add(new Case("npz_bomb_header", Z, zip(true, "a.npy", TensorFilesTest.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", new byte[0])), "budget"));
        c.add(new Case("npz_truncated_entry", Z, zip(true, "a.npy", TensorFilesTest.npy(okDict, new byte[4])), "truncated"));
        byte[] cut = zip(false, "a.npy", good, "b.npy", good);
        c.add(new Case("npz_truncated_zip", Z, java.util.Arrays.copyOf(cut, cut.length / 2 + 20), ""));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyCorruptTensorFileIsRefusedWithANamedReason() throws Exception {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 45, "cases: " + cases.size());
        return cases.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            LoadOptions opts = LoadOptions.builder().format(k.format()).build();
            SerializationException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(SerializationException.class,
                    () -> Mge.load(new ByteArrayInputStream(k.data()), opts)));
            assertTrue(e.getMessage().contains(k.expect()), k.name() + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("internal error"), e.getMessage());
        }));
    }

}
