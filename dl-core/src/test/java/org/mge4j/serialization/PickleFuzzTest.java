package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.pickle.Pickler;
import org.mge4j.serialization.pickle.Unpickler;

/**
 * 100,000 mutated valid pickles (bit flips, overwritten lengths, inserted and deleted bytes, truncations, spliced
 * opcodes): each one either loads or is refused with a SerializationException that is not an internal error;
 * nothing else is thrown, nothing runs out of memory or hangs.
 */
class PickleFuzzTest {
    static final int MUTATIONS = 100_000;

    static List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("conv.weight", Tensor.arange(24).reshape(2, 3, 2, 2));
        sd.put("conv.bias", Tensor.zeros(1, 2, 1, 1));
        sd.put("fc.weight", Tensor.of(new int[] {1, 2, 3}));
        Map<String, Object> ckpt = new LinkedHashMap<>(PickleRoundTripTest.sample());
        ckpt.put("model_state_dict", sd);
        for (int p = 2; p <= 5; p++) {
            for (Object o : List.of(sd, ckpt)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Pickler.dump(o, out, p);
                seeds.add(out.toByteArray());
            }
        }
        // Python-written files: numpy 2 names, protocol-5 _frombuffer, frames, MegEngine-style tensors.
        Path pyDir = Path.of(PickleFuzzTest.class.getResource("python").toURI());
        try (Stream<Path> s = Files.list(pyDir)) {
            for (Path f : s.sorted().toList()) {
                seeds.add(Files.readAllBytes(f));
            }
        }
        return seeds;
    }

    @Test
    void hundredThousandMutatedPicklesLoadOrAreRefusedCleanly() throws Exception {
        List<byte[]> seeds = seeds();
        Random rnd = new Random(20240601);
        LoadOptions opts = LoadOptions.defaults();
        int refused = 0;
        int loaded = 0;
        long start = System.nanoTime();
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            byte[] m = mutate(seed, rnd);
            try {
                Unpickler.load(m, opts);
                loaded++;
            } catch (SerializationException e) {
                if (e.getMessage() == null || e.getMessage().contains("internal error")) {
                    fail("mutation " + i + " gave an internal error: " + e.getMessage(), e);
                }
                refused++;
            } catch (Throwable t) {
                fail("mutation " + i + " threw " + t, t);
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("pickle fuzz: %d mutations of %d seeds in %.1f s: %d refused cleanly, %d loaded%n",
                MUTATIONS, seeds.size(), s, refused, loaded);
        assertTrue(refused > MUTATIONS / 4, "most mutations should be refused, got " + refused);
    }

    /** Valid .npy, .npz (stored and deflated) and .safetensors files, Java- and numpy/safetensors-written. */
    static List<Map.Entry<Format, byte[]>> tensorFileSeeds() throws Exception {
        List<Map.Entry<Format, byte[]>> seeds = new ArrayList<>();
        Map<String, Tensor> sd = TensorFilesTest.sample();
        for (Format f : List.of(Format.NPZ, Format.SAFETENSORS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Mge.save(sd, out, SaveOptions.builder().format(f).build());
            seeds.add(Map.entry(f, out.toByteArray()));
        }
        for (Tensor t : sd.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Mge.save(t, out, SaveOptions.builder().format(Format.NPY).build());
            seeds.add(Map.entry(Format.NPY, out.toByteArray()));
        }
        Path pyDir = Path.of(PickleFuzzTest.class.getResource("python_tensors").toURI());
        try (Stream<Path> s = Files.list(pyDir)) {
            for (Path f : s.sorted().toList()) {
                seeds.add(Map.entry(Format.ofPath(f), Files.readAllBytes(f)));
            }
        }
        return seeds;
    }

    @Test
    void thirtyThousandMutatedNpyNpzAndSafetensorsFilesLoadOrAreRefusedCleanly() throws Exception {
        List<Map.Entry<Format, byte[]>> seeds = tensorFileSeeds();
        Random rnd = new Random(20240602);
        int refused = 0;
        int loaded = 0;
        int n = 30_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Map.Entry<Format, byte[]> seed = seeds.get(rnd.nextInt(seeds.size()));
            byte[] m = mutate(seed.getValue(), rnd);
            try {
                Mge.load(new java.io.ByteArrayInputStream(m), LoadOptions.builder().format(seed.getKey()).build());
                loaded++;
            } catch (SerializationException e) {
                if (e.getMessage() == null || e.getMessage().contains("internal error")) {
                    fail("mutation " + i + " of a " + seed.getKey() + " file gave " + e.getMessage(), e);
                }
                refused++;
            } catch (Throwable t) {
                fail("mutation " + i + " of a " + seed.getKey() + " file threw " + t, t);
            }
        }
        System.out.printf("tensor file fuzz: %d mutations of %d .npy/.npz/.safetensors/.pt seeds in %.1f s: %d refused cleanly, %d loaded%n",
                n, seeds.size(), (System.nanoTime() - start) / 1e9, refused, loaded);
        assertTrue(refused > n / 4, "most mutations should be refused, got " + refused);
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int kinds = 1 + rnd.nextInt(3);
        for (int k = 0; k < kinds; k++) {
            if (b.length == 0) {
                return b;
            }
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> { // overwrite 4 or 8 bytes with a large length
                    int n = rnd.nextBoolean() ? 4 : 8;
                    for (int i = 0; i < n && at + i < b.length; i++) {
                        b[at + i] = (byte) (i == n - 1 ? 0x7F : 0xFF);
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 4 -> { // delete a run
                    int n = 1 + rnd.nextInt(Math.min(16, b.length - at));
                    byte[] c = new byte[b.length - n];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + n, c, at, b.length - at - n);
                    b = c;
                }
                case 5 -> { // insert an opcode byte
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) OPS[rnd.nextInt(OPS.length)];
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> { // duplicate a run elsewhere (splices structure)
                    int n = 1 + rnd.nextInt(Math.min(32, b.length - at));
                    int to = rnd.nextInt(b.length);
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, to);
                    System.arraycopy(b, at, c, to, n);
                    System.arraycopy(b, to, c, to + n, b.length - to);
                    b = c;
                }
            }
        }
        return b;
    }

    private static final int[] OPS = {'(', '.', '0', '1', '2', 'N', 'R', 'b', 'a', 'e', 's', 'u', 't', ')', ']', '}',
            'h', 'q', 'j', 'r', 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8f, 0x90, 0x91, 0x93, 0x94, 0x95, 0x96,
            0x97, 0x98, 'B', 'C', 'X', 'K', 'M', 'J', 'G', 'c', 'Q', 'i', 'o', 0x81, 0x92, 0x82};
}
