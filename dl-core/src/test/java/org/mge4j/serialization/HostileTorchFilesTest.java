package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** Hand-made torch.save zips: a valid one loads; each corrupt or hostile variant is refused with its reason. */
class HostileTorchFilesTest {
    /** data.pkl of {@code _rebuild_tensor_v2(storage('0', FloatStorage, numel), offset, (size,), (stride,), False, {})}. */
    static byte[] pickle(String storageClass, int numel, int offset, int size, int stride) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        b.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n((".getBytes(StandardCharsets.US_ASCII));
        str(b, "storage");
        b.writeBytes(("ctorch\n" + storageClass + "\n").getBytes(StandardCharsets.US_ASCII));
        str(b, "0");
        str(b, "cpu");
        b.writeBytes(new byte[] {'K', (byte) numel, 't', 'Q', 'K', (byte) offset, 'K', (byte) size, (byte) 0x85,
                'K', (byte) stride, (byte) 0x85, (byte) 0x89, '}', 't', 'R', '.'});
        return b.toByteArray();
    }

    static void str(ByteArrayOutputStream b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.write('X');
        b.writeBytes(new byte[] {(byte) u.length, 0, 0, 0});
        b.writeBytes(u);
    }

    static byte[] zip(boolean deflate, Object... nameData) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < nameData.length; i += 2) {
                byte[] d = (byte[]) nameData[i + 1];
                ZipEntry e = new ZipEntry((String) nameData[i]);
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(d);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(d.length);
                    e.setCompressedSize(d.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(d);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] floats(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static Object load(byte[] d) {
        return Mge.load(new ByteArrayInputStream(d));
    }

    static void refused(byte[] d, String expect) {
        SerializationException e = assertThrows(SerializationException.class, () -> load(d));
        assertTrue(e.getMessage().contains(expect), e.getMessage());
    }

    @Test
    void aValidHandMadeFileLoadsItsStridedViewAndCorruptOnesAreRefused() throws Exception {
        byte[] v = "3\n".getBytes(StandardCharsets.US_ASCII);
        byte[] data = floats(0, 1, 2, 3, 4, 5);
        Tensor t = (Tensor) load(zip(false, "m/data.pkl", pickle("FloatStorage", 6, 1, 3, 2), "m/data/0", data, "m/version", v));
        assertArrayEquals(new float[] {1, 3, 5}, t.toFloatArray());
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 6, 1, 3, 3), "m/data/0", data, "m/version", v), "reaches element 7");
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 7, 0, 3, 1), "m/data/0", data, "m/version", v), "declares 7 elements");
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 6, 0, 3, 1), "m/version", v), "data/0 is missing");
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 6, 0, 3, 1), "m/data/0", data), "version");
        refused(zip(false, "m/data.pkl", pickle("ShortStorage", 6, 0, 3, 1), "m/data/0", data, "m/version", v), "ShortStorage");
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 1, 0, 100, 0), "m/data/0", floats(1), "m/version", v), "expanded view");
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 6, 0, 3, 1), "other/data/0", data, "m/version", v), "is not under");
        refused(zip(true, "m/data.pkl", pickle("FloatStorage", 6, 0, 3, 1), "m/data/0", data, "m/version", v), "compressed");
        refused(zip(false, "m/version", v), "no m/data.pkl");
        byte[] evil = "\u0080\u0002cposix\nsystem\nX\u0002\u0000\u0000\u0000id\u0085R.".getBytes(StandardCharsets.ISO_8859_1);
        SerializationException e = assertThrows(SerializationException.class,
                () -> load(zip(false, "m/data.pkl", evil, "m/version", v)));
        assertTrue(e instanceof RefusedGlobalException && e.getMessage().contains("posix.system"), e.getMessage());
        refused(new byte[] {(byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
                (byte) 0xa8, 0x50, 0x19, 'K', (byte) 0xe9, '.'}, "legacy (pre-1.6) torch.save");
        refused(zip(false, "m/data.pkl", pickle("FloatStorage", 6, 0, 3, 1), "m/data/0", data, "m/version", v, "m/byteorder",
                "middle".getBytes(StandardCharsets.US_ASCII)), "byteorder");
        ByteArrayOutputStream mine = new ByteArrayOutputStream();
        Mge.save(Map.of("a", t, "b", t), mine, SaveOptions.builder().format(Format.TORCH).build());
        Map<?, ?> back = (Map<?, ?>) load(mine.toByteArray());
        assertArrayEquals(new float[] {1, 3, 5}, ((Tensor) back.get("b")).toFloatArray());
    }
}
