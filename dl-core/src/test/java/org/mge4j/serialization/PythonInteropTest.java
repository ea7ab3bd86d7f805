package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Real Python at test time, numpy 2.x and numpy 1.24: Python pickles a checkpoint at protocols 2-5, Java loads it
 * and checks every tensor's bytes against Python's SHA-256, saves it again at the same protocol (with mge4j's
 * checksum trailer after the pickle), and Python loads Java's file (warnings as errors) with {@code pickle.load},
 * {@code pickle.loads} and {@code numpy.load} and must see exactly what it wrote, the trailer skipped.
 */
class PythonInteropTest {
    @TempDir
    Path dir;

    static Stream<Arguments> numpyVersions() {
        return Stream.of(Arguments.of("numpy2", "numpy>=2"), Arguments.of("numpy124", "numpy==1.24.*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numpyVersions")
    void checkpointsMoveBothWaysWithByteIdenticalTensorsAtEveryProtocol(String name, String numpy) throws Exception {
        PythonEnv py = PythonEnv.get(name, numpy);
        Path script = Path.of(getClass().getResource("interop.py").toURI());
        py.python(dir, script.toString(), "write", dir.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode pyManifest = json.readTree(dir.resolve("py_manifest.json").toFile());
        int tensors = 0;
        for (int p = 2; p <= 5; p++) {
            Object loaded = Mge.load(dir.resolve("py_p" + p + ".pkl"));
            Map<String, String> javaSide = new TreeMap<>();
            walk("", loaded, javaSide);
            for (var it = pyManifest.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().has("sha256")) {
                    String want = e.getValue().get("dtype").asText() + e.getValue().get("shape") + e.getValue().get("sha256").asText();
                    assertEquals(want, javaSide.get(e.getKey()), name + " protocol " + p + " key " + e.getKey());
                    tensors++;
                }
            }
            Mge.save(loaded, dir.resolve("java_p" + p + ".pkl"), SaveOptions.builder().pickleProtocol(p).build());
        }
        JsonNode back = json.readTree(py.python(dir, script.toString(), "read", dir.toString()));
        assertEquals(5, back.size());
        for (int p = 2; p <= 5; p++) {
            long trailer = back.get("__bytes_after_stop__").get("java_p" + p + ".pkl").asLong();
            byte[] file = Files.readAllBytes(dir.resolve("java_p" + p + ".pkl"));
            assertTrue(trailer > 20, "Python stopped " + trailer + " bytes before the end: the checksum trailer");
            assertEquals("MGE4JEND", new String(file, file.length - 8, 8, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(trailer, java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(file.length - 20),
                    "Python's pickle ends where the trailer starts");
            JsonNode m = back.get("java_p" + p + ".pkl");
            assertEquals("dict", m.get("__type__").get("value").asText());
            for (var it = pyManifest.fields(); it.hasNext(); ) {
                var e = it.next();
                assertEquals(e.getValue(), m.get(e.getKey()), name + ": Python reading Java's protocol-" + p + " file, key " + e.getKey());
            }
            assertEquals(pyManifest.size() + 1, m.size(), "no extra entries");
        }
        assertTrue(tensors >= 48, "checked " + tensors + " tensors");
        System.out.printf("python interop (%s): %d tensor byte checks over protocols 2-5, both directions%n", name, tensors);
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temp files left");
        }
    }

    static void walk(String prefix, Object o, Map<String, String> out) throws Exception {
        if (o instanceof Tensor t) {
            byte[] b = ArrayBytes.toBytes(t);
            String shape = java.util.Arrays.toString(t.shape()).replace(" ", "");
            out.put(prefix, NumpyDtype.of(t.dtype()).kindSize() + shape
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
        } else if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(prefix + "." + i, l.get(i), out);
            }
        } else {
            out.put(prefix, String.valueOf(o));
        }
    }
}
