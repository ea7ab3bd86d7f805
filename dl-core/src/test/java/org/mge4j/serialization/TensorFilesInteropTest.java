package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.safetensors.Safetensors;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Real Python at test time (numpy 2.x and 1.24, with the safetensors package): files written by np.save,
 * np.savez, np.savez_compressed and safetensors.numpy.save_file load in Java with byte-identical tensors, Java's
 * .npy files are byte-identical to np.save's, and Java-written .npy/.npz/.safetensors load in Python unchanged.
 */
class TensorFilesInteropTest {
    static final List<String> KEYS = List.of("f32", "f64", "f16", "i32", "i64", "i8", "u8", "b", "scalar", "empty");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.mge4j.serialization.PythonInteropTest#numpyVersions")
    void npyNpzAndSafetensorsMoveBothWaysByteIdentical(String name, String numpy) throws Exception {
        PythonEnv py = PythonEnv.get(name, numpy, "safetensors");
        Path script = Path.of(getClass().getResource("tensor_files.py").toURI());
        py.python(dir, script.toString(), "write", dir.toString());
        JsonNode want = new ObjectMapper().readTree(dir.resolve("py_manifest.json").toFile());
        int checks = 0;
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        for (String k : KEYS) {
            Tensor t = (Tensor) Mge.load(dir.resolve("py_" + k + ".npy"));
            assertEquals(want.get(k).toString(), manifest(t), name + " np.save " + k);
            arrays.put(k, t);
            Path mine = dir.resolve("java_" + k + ".npy");
            Mge.save(t, mine);
            assertArrayEquals(Files.readAllBytes(dir.resolve("py_" + k + ".npy")), Files.readAllBytes(mine),
                    name + ": Java's .npy of " + k + " is byte-identical to np.save's");
            checks += 2;
        }
        for (String k : List.of("fortran", "bigendian")) {
            assertEquals(want.get(k).toString(), manifest((Tensor) Mge.load(dir.resolve("py_" + k + ".npy"))), name + " " + k);
            checks++;
        }
        for (String f : List.of("py.npz", "py_z.npz", "py.safetensors")) {
            Map<?, ?> m = (Map<?, ?>) Mge.load(dir.resolve(f));
            assertEquals(KEYS.size(), m.size(), f);
            for (String k : KEYS) {
                assertEquals(want.get(k).toString(), manifest((Tensor) m.get(k)), name + " " + f + " " + k);
                checks++;
            }
        }
        assertEquals(Map.of("format", "np", "epoch", "3"),
                Safetensors.read(Files.readAllBytes(dir.resolve("py.safetensors")), "py.safetensors").metadata());
        ByteArrayOutputStream sameAsPython = new ByteArrayOutputStream();
        Safetensors.write(arrays, new LinkedHashMap<>(Map.of("format", "np")), sameAsPython);
        assertArrayEquals(Files.readAllBytes(dir.resolve("py_one.safetensors")), sameAsPython.toByteArray(),
                name + ": Java's safetensors bytes equal save_file's (same order, header and padding)");

        Mge.save(arrays, dir.resolve("java.npz"));
        Map<String, Object> st = new LinkedHashMap<>(arrays);
        st.put("__metadata__", Map.of("format", "mge4j"));
        Mge.save(st, dir.resolve("java.safetensors"));
        JsonNode back = new ObjectMapper().readTree(py.python(dir, script.toString(), "read", dir.toString()));
        for (String k : KEYS) {
            assertEquals(want.get(k), back.get("java_" + k + ".npy"), name + ": numpy reading Java's .npy " + k);
            assertEquals(want.get(k), back.get("java.npz").get(k), name + ": numpy reading Java's .npz " + k);
            assertEquals(want.get(k), back.get("java.safetensors").get(k), name + ": safetensors reading Java's file " + k);
            checks += 3;
        }
        assertEquals("{\"format\":\"mge4j\"}", back.get("java.safetensors.metadata").toString());
        assertEquals(82, checks, "every tensor of every file checked");
        System.out.printf("tensor file interop (%s): %d tensor checks over .npy/.npz/.safetensors, both directions%n", name, checks);
    }

    static String manifest(Tensor t) throws Exception {
        Map<String, String> m = new TreeMap<>();
        PythonInteropTest.walk("x", t, m);
        String s = m.get("x");
        String kind = s.substring(0, 2);
        String shape = s.substring(2, s.indexOf(']') + 1);
        String sha = s.substring(s.indexOf(']') + 1);
        return "{\"dtype\":\"" + kind + "\",\"sha256\":\"" + sha + "\",\"shape\":" + shape + "}";
    }
}
