package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;

/**
 * The checksum trailer of {@code Mge.save}'s pickles, read back by hand from its documented layout, and what a
 * damaged file does on load: every flipped byte and every truncation is refused, never loaded as wrong numbers.
 */
class PickleChecksumsTest {
    private static final LoadOptions REQUIRE = LoadOptions.builder().requireChecksums(true).build();

    @TempDir
    Path dir;

    /** A small checkpoint, plus one 256 KiB tensor (read straight into memory) when {@code large}. */
    static Map<String, Object> checkpoint(boolean large) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("conv.weight", Tensor.arange(60).reshape(3, 4, 5).mul(0.25));
        model.put("conv.bias", Tensor.of(new int[] {1, -2, 3}));
        if (large) {
            Random r = new Random(5);
            float[] big = new float[65536];
            for (int i = 0; i < big.length; i++) {
                big[i] = (float) r.nextGaussian();
            }
            model.put("fc.weight", Tensor.of(big).reshape(256, 256));
        }
        model.put("fc.bias", Tensor.of(new double[] {0.5, -1.5}, DType.FLOAT64));
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model_state_dict", model);
        ckpt.put("history", List.of(Tensor.of(new float[] {1, 2}), 0.5));
        ckpt.put("loss", 0.125);
        return ckpt;
    }

    record Region(long offset, long length, int crc, String dtype, long[] shape, String path) {
    }

    /** The trailer parsed as README.md documents it; asserts every length and CRC along the way. */
    static List<Region> parseTrailer(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int n = file.length;
        assertEquals("MGE4JEND", new String(file, n - 8, 8, StandardCharsets.US_ASCII));
        long total = b.getLong(n - 20);
        int start = (int) (n - total);
        assertEquals(crc(file, start, (int) total - 20), b.getInt(n - 12), "trailer CRC32C");
        assertEquals("MGE4JCKS", new String(file, start, 8, StandardCharsets.US_ASCII));
        b.position(start + 8);
        assertEquals(1, b.getShort());
        assertEquals(0, b.getShort());
        assertEquals(total, b.getLong());
        long pickleLength = b.getLong();
        assertEquals(start, pickleLength);
        assertEquals('.', file[start - 1], "the pickle ends with STOP right before the trailer");
        assertEquals(crc(file, 0, start), b.getInt(), "whole-pickle CRC32C");
        int count = b.getInt();
        List<Region> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long offset = b.getLong();
            long length = b.getLong();
            int c = b.getInt();
            assertEquals(0, b.get(), "encoding: raw bytes");
            byte[] d = new byte[b.get()];
            b.get(d);
            long[] shape = new long[b.get()];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = b.getLong();
            }
            byte[] p = new byte[b.getShort()];
            b.get(p);
            assertEquals(crc(file, (int) offset, (int) length), c, "CRC32C of tensor " + i);
            out.add(new Region(offset, length, c, new String(d, StandardCharsets.US_ASCII), shape, new String(p, StandardCharsets.UTF_8)));
        }
        assertEquals(n - 20, b.position(), "entries end at the footer");
        return out;
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    @Test
    void trailerHoldsEachTensorsDataCrcInPickleOrderWithKeyPathDtypeAndShape() throws Exception {
        Map<String, Object> ckpt = checkpoint(true);
        Path f = dir.resolve("ckpt.pkl");
        Mge.save(ckpt, f);
        byte[] file = Files.readAllBytes(f);
        List<Region> regions = parseTrailer(file);
        assertEquals(List.of("model_state_dict.conv.weight", "model_state_dict.conv.bias", "model_state_dict.fc.weight",
                "model_state_dict.fc.bias", "history.0"), regions.stream().map(Region::path).toList());
        assertEquals(List.of("<f4", "<i4", "<f4", "<f8", "<f4"), regions.stream().map(Region::dtype).toList());
        assertArrayEquals(new long[] {256, 256}, regions.get(2).shape());
        @SuppressWarnings("unchecked")
        Tensor fc = (Tensor) ((Map<String, Object>) ckpt.get("model_state_dict")).get("fc.weight");
        Region r = regions.get(2);
        assertArrayEquals(ArrayBytes.toBytes(fc), Arrays.copyOfRange(file, (int) r.offset(), (int) (r.offset() + r.length())),
                "the region is the tensor's raw little-endian bytes");
    }

    @Test
    void theTrailerIsAPureAppendToThePickleChecksumsFalseWrites() throws Exception {
        Map<String, Object> ckpt = checkpoint(true);
        Mge.save(ckpt, dir.resolve("with.pkl"));
        Mge.save(ckpt, dir.resolve("without.pkl"), SaveOptions.builder().checksums(false).build());
        byte[] with = Files.readAllBytes(dir.resolve("with.pkl"));
        byte[] without = Files.readAllBytes(dir.resolve("without.pkl"));
        assertEquals('.', without[without.length - 1], "no trailer: the file ends with STOP");
        assertArrayEquals(without, Arrays.copyOf(with, without.length));
        assertTrue(with.length > without.length + 20);
        assertLoadsAs(ckpt, Mge.load(dir.resolve("without.pkl")));
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(dir.resolve("without.pkl"), REQUIRE));
        assertTrue(e.getMessage().contains("has no checksum trailer"), e.getMessage());
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {2, 3, 4, 5})
    void everyFlippedByteOfASmallCheckpointIsRefusedAtEveryProtocol(int protocol) throws Exception {
        Map<String, Object> ckpt = checkpoint(false);
        Path f = dir.resolve("small.pkl");
        Mge.save(ckpt, f, SaveOptions.builder().pickleProtocol(protocol).build());
        byte[] good = Files.readAllBytes(f);
        assertLoadsAs(ckpt, Mge.load(f, REQUIRE));
        int inTensor = 0;
        for (int i = 0; i < good.length; i++) {
            String message = loadFlipped(good, i, f);
            if (message.contains("tensor '")) {
                inTensor++;
            }
        }
        assertTrue(inTensor > 200, "flips named a tensor " + inTensor + " times");
        System.out.printf("protocol %d: all %d single-byte flips refused, %d of them naming the tensor%n", protocol, good.length, inTensor);
    }

    @Test
    void flippedBytesInALargeTensorNameItsKeyPathAndOtherBytesAreRefusedToo() throws Exception {
        Map<String, Object> ckpt = checkpoint(true);
        Path f = dir.resolve("large.pkl");
        Mge.save(ckpt, f);
        byte[] good = Files.readAllBytes(f);
        Region fc = parseTrailer(good).get(2);
        Random r = new Random(11);
        List<Integer> offsets = new ArrayList<>(List.of((int) fc.offset(), (int) (fc.offset() + fc.length() - 1)));
        for (int k = 0; k < 100; k++) {
            offsets.add((int) fc.offset() + r.nextInt((int) fc.length()));
        }
        for (int off : offsets) {
            String m = loadFlipped(good, off, f);
            assertTrue(m.contains("is corrupted: tensor 'model_state_dict.fc.weight' (<f4 [256, 256], 262144 bytes at offset "
                    + fc.offset() + ") fails its CRC32C check"), m);
        }
        // every byte outside that tensor's data: structure, small tensors, trailer
        for (int i = 0; i < good.length; i++) {
            if (i < fc.offset() || i >= fc.offset() + fc.length()) {
                loadFlipped(good, i, f);
            }
        }
    }

    @Test
    void everyTruncationIsRefusedAndOnlyTheCutRightAfterThePickleLoadsWithoutRequiringChecksums() throws Exception {
        Map<String, Object> ckpt = checkpoint(true);
        Path f = dir.resolve("cut.pkl");
        Mge.save(ckpt, f);
        byte[] good = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int pickleLength = (int) (good.length - b.getLong(good.length - 20));
        Path cut = dir.resolve("truncated.pkl");
        int truncatedMessages = 0;
        for (int len = 0; len < good.length; len += len < 4096 || len >= pickleLength - 64 ? 1 : Math.min(997, pickleLength - 64 - len)) {
            Files.write(cut, Arrays.copyOf(good, len));
            int n = len;
            SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(cut, REQUIRE), "cut at " + n);
            if (len > pickleLength) {
                assertTrue(e.getMessage().contains(" is truncated: "), e.getMessage());
                truncatedMessages++;
            }
            if (len == pickleLength) {
                assertLoadsAs(ckpt, Mge.load(cut));
            } else {
                assertThrows(SerializationException.class, () -> Mge.load(cut), "cut at " + n + " without requireChecksums");
            }
        }
        assertEquals(good.length - pickleLength - 1, truncatedMessages, "cuts inside the trailer");
    }

    @Test
    void streamsCarryTheTrailerAndAreVerifiedToo() {
        Map<String, Object> ckpt = checkpoint(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mge.save(ckpt, out);
        byte[] good = out.toByteArray();
        parseTrailer(good);
        assertLoadsAs(ckpt, Mge.load(new ByteArrayInputStream(good)));
        Region fc = parseTrailer(good).get(2);
        byte[] bad = good.clone();
        bad[(int) fc.offset() + 1000] ^= 0x40;
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(new ByteArrayInputStream(bad)));
        assertTrue(e.getMessage().contains("tensor 'model_state_dict.fc.weight'"), e.getMessage());
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {2, 4})
    void viewsAreSavedAsTheirOwnItemsInCOrder(int protocol) throws Exception {
        org.nd4j.linalg.api.ndarray.INDArray base = Tensor.arange(40000).reshape(200, 200).nd();
        Map<String, Object> views = new LinkedHashMap<>();
        views.put("transposed", Tensor.wrap(base.transpose()));
        views.put("rows", Tensor.wrap(base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(50, 150), org.nd4j.linalg.indexing.NDArrayIndex.all())));
        views.put("columns", Tensor.wrap(base.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 7))));
        views.put("reshaped", Tensor.wrap(base.reshape(400, 100)));
        Path f = dir.resolve("views.pkl");
        Mge.save(views, f, SaveOptions.builder().pickleProtocol(protocol).build());
        Map<?, ?> back = assertInstanceOf(Map.class, Mge.load(f, REQUIRE));
        for (Map.Entry<String, Object> e : views.entrySet()) {
            Tensor want = (Tensor) e.getValue();
            Tensor got = (Tensor) back.get(e.getKey());
            assertArrayEquals(want.shape(), got.shape(), e.getKey());
            assertArrayEquals(want.nd().dup('c').data().asFloat(), got.toFloatArray(), e.getKey());
        }
    }

    @ParameterizedTest(name = "checksums {0}")
    @ValueSource(booleans = {true, false})
    void largeBytesValuesAndSharedLargeTensorsLoadAsSavedWithAndWithoutTrailer(boolean checksums) throws Exception {
        byte[] blob = new byte[100_000];
        new Random(9).nextBytes(blob);
        Tensor big = Tensor.arange(30000).reshape(100, 300);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blob", blob);
        m.put("a", big);
        m.put("again", big);
        m.put("big_f64", Tensor.arange(20000).astype(DType.FLOAT64));
        Path f = dir.resolve("mixed.pkl");
        Mge.save(m, f, SaveOptions.builder().checksums(checksums).build());
        Map<?, ?> back = assertInstanceOf(Map.class, Mge.load(f));
        assertArrayEquals(blob, (byte[]) back.get("blob"));
        assertArrayEquals(ArrayBytes.toBytes(big), ArrayBytes.toBytes((Tensor) back.get("a")));
        assertTrue(back.get("a") == back.get("again"), "a shared tensor stays shared");
        assertArrayEquals(ArrayBytes.toBytes((Tensor) m.get("big_f64")), ArrayBytes.toBytes((Tensor) back.get("big_f64")));
    }

    @Test
    void bytesAppendedAfterAPlainPickleAreReportedAsCorruption() throws Exception {
        Path f = dir.resolve("appended.pkl");
        Mge.save(checkpoint(false), f, SaveOptions.builder().checksums(false).build());
        Files.write(f, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(f));
        assertTrue(e.getMessage().contains("3 bytes follow the end of the pickle"), e.getMessage());
    }

    /** Loads {@code good} with byte {@code i} flipped; it must be refused. Returns the message. */
    private static String loadFlipped(byte[] good, int i, Path f) throws Exception {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << (i % 8));
        Files.write(f, bad);
        try {
            Object o = Mge.load(f);
            fail("flipping byte " + i + " of " + good.length + " loaded " + o);
            return null;
        } catch (SerializationException e) {
            return e.getMessage();
        }
    }

    @SuppressWarnings("unchecked")
    static void assertLoadsAs(Map<String, Object> want, Object got) {
        Map<String, Object> g = assertInstanceOf(Map.class, got);
        assertEquals(want.keySet(), g.keySet());
        Map<String, Object> wm = (Map<String, Object>) want.get("model_state_dict");
        Map<String, Object> gm = (Map<String, Object>) g.get("model_state_dict");
        assertEquals(wm.keySet(), gm.keySet());
        for (String k : wm.keySet()) {
            Tensor a = (Tensor) wm.get(k);
            Tensor b = assertInstanceOf(Tensor.class, gm.get(k));
            assertEquals(a.dtype(), b.dtype(), k);
            assertArrayEquals(a.shape(), b.shape(), k);
            assertArrayEquals(ArrayBytes.toBytes(a), ArrayBytes.toBytes(b), k);
        }
        assertEquals(want.get("epoch"), g.get("epoch"));
        assertEquals(want.get("loss"), g.get("loss"));
    }
}
