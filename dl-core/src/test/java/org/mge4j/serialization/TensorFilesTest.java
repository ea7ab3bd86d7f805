package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.safetensors.Safetensors;

/** .npy, .npz and .safetensors written and read in Java: every dtype, scalars, empty arrays, format choice. */
class TensorFilesTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("fc.weight", Tensor.arange(12).reshape(3, 4));
        m.put("fc.bias", Tensor.of(new double[] {1.5, -2.25}));
        m.put("half", Tensor.arange(5).astype(DType.FLOAT16));
        m.put("steps", Tensor.of(new long[] {1L << 40, -3}));
        m.put("ids", Tensor.of(new int[][] {{1, 2}, {3, 4}}));
        m.put("bytes", Tensor.of(new int[] {0, 200, 255}).astype(DType.UINT8));
        m.put("signed", Tensor.of(new int[] {-128, 5}).astype(DType.INT8));
        m.put("mask", Tensor.of(new boolean[] {true, false, true}));
        m.put("scalar", Tensor.scalar(3.5));
        m.put("empty", Tensor.zeros(0, 3));
        return m;
    }

    static void assertSameTensors(Map<String, Tensor> want, Map<?, ?> got, String what) {
        assertEquals(want.keySet(), got.keySet(), what);
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            Tensor g = (Tensor) got.get(e.getKey());
            assertEquals(e.getValue().dtype(), g.dtype(), what + " " + e.getKey());
            assertArrayEquals(e.getValue().shape(), g.shape(), what + " " + e.getKey());
            assertArrayEquals(ArrayBytes.toBytes(e.getValue()), ArrayBytes.toBytes(g), what + " " + e.getKey());
        }
    }

    @Test
    void everyDtypeRoundTripsThroughNpyNpzAndSafetensorsByExtension() {
        Map<String, Tensor> sd = sample();
        for (String ext : List.of(".npz", ".safetensors")) {
            Path p = dir.resolve("sd" + ext);
            Mge.save(sd, p);
            assertSameTensors(sd, (Map<?, ?>) Mge.load(p), ext);
        }
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            Path p = dir.resolve(e.getKey() + ".npy");
            Mge.save(e.getValue(), p);
            assertSameTensors(Map.of("t", e.getValue()), Map.of("t", Mge.load(p)), ".npy " + e.getKey());
        }
    }

    @Test
    void saveOptionsFormatWinsOverTheExtensionAndLoadSniffsTheBytes() {
        Path p = dir.resolve("weights.bin");
        Mge.save(sample(), p, SaveOptions.builder().format(Format.SAFETENSORS).build());
        assertSameTensors(sample(), (Map<?, ?>) Mge.load(p), "sniffed safetensors");
        Mge.save(sample(), p, SaveOptions.builder().format(Format.NPZ).build());
        assertSameTensors(sample(), (Map<?, ?>) Mge.load(p), "sniffed npz");
        Mge.save(Tensor.arange(3), p, SaveOptions.builder().format(Format.NPY).build());
        assertInstanceOf(Tensor.class, Mge.load(p));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mge.save(sample(), out, SaveOptions.builder().format(Format.NPZ).build());
        assertSameTensors(sample(), (Map<?, ?>) Mge.load(new ByteArrayInputStream(out.toByteArray())), "stream npz");
    }

    @Test
    void bfloat16SafetensorsLoadAsFloat32Exactly() throws Exception {
        String header = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        // bfloat16 1.5 = 0x3FC0, -2.25 = 0xC010, 2^-10 = 0x3A80 (little-endian)
        out.write(new byte[] {(byte) 0xC0, 0x3F, 0x10, (byte) 0xC0, (byte) 0x80, 0x3A});
        Path p = dir.resolve("bf16.safetensors");
        Files.write(p, out.toByteArray());
        Tensor w = (Tensor) ((Map<?, ?>) Mge.load(p)).get("w");
        assertEquals(DType.FLOAT32, w.dtype());
        assertArrayEquals(new float[] {1.5f, -2.25f, 0x1p-10f}, w.toFloatArray());
    }

    @Test
    void safetensorsLayoutMatchesTheReferenceExampleByteForByte() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(Map.of("b", Tensor.of(new float[] {1, 2}, 2)), Map.of("format", "pt"), out);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}   ";
        String want = "5800000000000000" + HexFormat.of().formatHex(header.getBytes(StandardCharsets.US_ASCII)) + "0000803f00000040";
        assertEquals(want, HexFormat.of().formatHex(out.toByteArray()));
        assertEquals(104, out.size()); // 8 + 0x58 + 8 (formats.md §3.1 says "96 bytes total": its own bytes add up to 104)
    }

    @Test
    void safetensorsMetadataIsWrittenFromTheMetadataEntryAndReadBackSeparately() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>(sample());
        m.put("__metadata__", Map.of("epoch", "7"));
        Path p = dir.resolve("m.safetensors");
        Mge.save(m, p);
        Object loaded = Mge.load(p);
        assertSameTensors(sample(), (Map<?, ?>) loaded, "tensors only");
        assertEquals(Map.of("epoch", "7"), Safetensors.read(Files.readAllBytes(p), "m").metadata());
    }

    @Test
    void aCheckpointSavedAsAFlatFormatIsRefusedWithWhatToDo() {
        Map<String, Object> ckpt = Map.of("epoch", 3, "model_state_dict", sample());
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.save(ckpt, dir.resolve("c.safetensors")));
        assertTrue(e.getMessage().contains("holds only tensors") && e.getMessage().contains(".pkl"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> Mge.save(sample(), dir.resolve("c.npy")));
        assertTrue(e.getMessage().contains(".npy holds one tensor") && e.getMessage().contains(".npz"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("c.npy")), "nothing written");
    }

    @Test
    void npyFilesFromNumpyWithFortranOrderAndBigEndianLoadInCOrder() {
        byte[] f = npy("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", new byte[0]);
        assertThrows(SerializationException.class, () -> Mge.load(new ByteArrayInputStream(f)), "int16 has no mge4j type");
        byte[] data = new byte[24];
        // Fortran order (2,3) big-endian int32: column-major 0,3,1,4,2,5 so that C order reads 0..5
        int[] colMajor = {0, 3, 1, 4, 2, 5};
        for (int i = 0; i < 6; i++) {
            data[i * 4 + 3] = (byte) colMajor[i];
        }
        Tensor t = (Tensor) Mge.load(new ByteArrayInputStream(npy("{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }", data)));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, t.toIntArray());
        assertArrayEquals(new long[] {2, 3}, t.shape());
    }

    static byte[] npy(String dict, byte[] data) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + data.length];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >> 8)}, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        System.arraycopy(data, 0, out, 10 + h.length, data.length);
        return out;
    }
}
