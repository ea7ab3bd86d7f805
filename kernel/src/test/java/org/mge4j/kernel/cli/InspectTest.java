package org.mge4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** {@code inspect}: the text tree and the JSON document of files written by Java, and of hostile ones. */
class InspectTest {
    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    /** A checkpoint: numbers, a string, a state dict, a list, and a tensor shared by two keys. */
    private Path checkpoint() {
        Map<String, Object> sd = new LinkedHashMap<>();
        Tensor weight = Tensor.arange(6).reshape(2, 3);
        sd.put("fc.weight", weight);
        sd.put("fc.bias", Tensor.of(new long[] {-1, 0, 1L << 40}));
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("loss", 0.5);
        ckpt.put("name", "run-1");
        ckpt.put("model", sd);
        ckpt.put("steps", List.of(1, 2, 3));
        ckpt.put("tied", weight);
        Path p = dir.resolve("ckpt.pkl");
        Mge.save(ckpt, p);
        return p;
    }

    /** SHA-256 of bytes built here, independently of the code under test. */
    private static String sha256(ByteBuffer b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void textShowsTheTreeEachTensorAndTheTotals() {
        Path p = checkpoint();
        CliRun r = CliRun.of("inspect", p.toString());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith(p + ": pickle, "), r.toString());
        assertEquals(List.of(
                "dict, 6 entries",
                "  epoch: 3",
                "  loss: 0.5",
                "  name: 'run-1'",
                "  model: dict, 2 entries",
                "    fc.weight: float32 [2, 3], 6 elements, 24 B",
                "    fc.bias: int64 [3], 3 elements, 24 B",
                "  steps: list, 3 items: [1, 2, 3]",
                "  tied: same tensor as model.fc.weight",
                "total: 2 tensors (1 more key shares one), 9 elements, 48 B"), lines.subList(1, lines.size()));
        assertEquals("", r.err());
    }

    @Test
    void jsonGivesEveryTensorPathWithASha256OfItsLittleEndianBytes() throws Exception {
        Path p = checkpoint();
        CliRun r = CliRun.of("inspect", "--json", p.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode doc = json.readTree(r.out());
        assertEquals("pickle", doc.get("format").asText());
        assertEquals(Files.size(p), doc.get("file_bytes").asLong());
        JsonNode tensors = doc.get("tensors");
        assertEquals(3, tensors.size());

        ByteBuffer w = le(24);
        for (int i = 0; i < 6; i++) {
            w.putFloat(i);
        }
        JsonNode weight = tensors.get(0);
        assertEquals("model.fc.weight", weight.get("path").asText());
        assertEquals("float32", weight.get("dtype").asText());
        assertEquals("[2,3]", weight.get("shape").toString());
        assertEquals(6, weight.get("elements").asLong());
        assertEquals(24, weight.get("bytes").asLong());
        assertEquals(sha256(w), weight.get("sha256").asText());

        ByteBuffer b = le(24).putLong(-1).putLong(0).putLong(1L << 40);
        assertEquals("model.fc.bias", tensors.get(1).get("path").asText());
        assertEquals("int64", tensors.get(1).get("dtype").asText());
        assertEquals(sha256(b), tensors.get(1).get("sha256").asText());

        JsonNode tied = tensors.get(2);
        assertEquals("tied", tied.get("path").asText());
        assertEquals("model.fc.weight", tied.get("same_as").asText());
        assertEquals(sha256(w), tied.get("sha256").asText());

        assertEquals("{\"tensors\":2,\"elements\":9,\"bytes\":48}", doc.get("totals").toString());
        assertEquals(0, doc.get("untrusted_globals").size());

        JsonNode tree = doc.get("tree");
        assertEquals("dict", tree.get("type").asText());
        JsonNode entries = tree.get("entries");
        assertEquals("epoch", entries.get(0).get("key").asText());
        assertEquals("{\"type\":\"int\",\"value\":3}", entries.get(0).get("value").toString());
        assertEquals("{\"type\":\"float\",\"value\":0.5}", entries.get(1).get("value").toString());
        assertEquals("{\"type\":\"str\",\"value\":\"run-1\"}", entries.get(2).get("value").toString());
        JsonNode model = entries.get(3).get("value");
        assertEquals("dict", model.get("type").asText());
        assertEquals("{\"type\":\"tensor\",\"path\":\"model.fc.weight\",\"dtype\":\"float32\",\"shape\":[2,3]}",
                model.get("entries").get(0).get("value").toString());
        assertEquals("list", entries.get(4).get("value").get("type").asText());
        assertEquals(3, entries.get(4).get("value").get("items").size());
        assertEquals("{\"type\":\"reference\",\"kind\":\"tensor\",\"path\":\"tied\",\"same_as\":\"model.fc.weight\"}",
                entries.get(5).get("value").toString());
    }

    @Test
    void aSafetensorsFileShowsItsMetadata() throws Exception {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("w", Tensor.ones(2));
        sd.put("__metadata__", Map.of("format", "pt"));
        Path p = dir.resolve("m.safetensors");
        Mge.save(sd, p);
        CliRun r = CliRun.of("inspect", p.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\n  w: float32 [2], 2 elements, 8 B\nmetadata: format='pt'\n"), r.toString());
        JsonNode doc = json.readTree(CliRun.of("inspect", p.toString(), "--json").out());
        assertEquals("safetensors", doc.get("format").asText());
        assertEquals("{\"format\":\"pt\"}", doc.get("metadata").toString());
    }

    @Test
    void anNpyFileIsOneTensorAtTheEmptyPath() throws Exception {
        Path p = dir.resolve("a.npy");
        Mge.save(Tensor.of(new int[] {1, 2}), p);
        CliRun r = CliRun.of("inspect", p.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("int32 [2], 2 elements, 8 B", r.out().lines().toList().get(1));
        JsonNode t = json.readTree(CliRun.of("inspect", "--json", p.toString()).out()).get("tensors").get(0);
        assertEquals("", t.get("path").asText());
        assertEquals(sha256(le(8).putInt(1).putInt(2)), t.get("sha256").asText());
    }

    @Test
    void aFormatIsFoundByItsBytesWhenTheExtensionSaysNothing() throws Exception {
        Path p = dir.resolve("weights.bin");
        Mge.save(Map.of("w", Tensor.ones(1)), p, org.mge4j.serialization.SaveOptions.builder()
                .format(org.mge4j.serialization.Format.TORCH).build());
        CliRun r = CliRun.of("inspect", p.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith(p + ": torch, "), r.toString());
    }

    /** {@code {'evil': os.system('echo pwned')}}, the call by REDUCE, protocol 2. */
    private Path osSystemPickle() throws Exception {
        byte[] p = ("\u0080\u0002}X\u0004\u0000\u0000\u0000evilcos\nsystem\nX\n\u0000\u0000\u0000echo pwned\u0085Rs.")
                .getBytes(StandardCharsets.ISO_8859_1);
        Path f = dir.resolve("evil.pkl");
        Files.write(f, p);
        return f;
    }

    @Test
    void aPickleWithAnUntrustedGlobalIsShownNotLoaded() throws Exception {
        Path f = osSystemPickle();
        CliRun r = CliRun.of("inspect", f.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\n  evil: <object os.system (not loaded: untrusted global)>\n"
                + "    args: tuple, 1 item: ('echo pwned',)\n"), r.toString());
        assertTrue(r.out().contains("untrusted globals: os.system (shown, never imported or run"), r.toString());
        JsonNode doc = json.readTree(CliRun.of("inspect", "--json", f.toString()).out());
        assertEquals("[\"os.system\"]", doc.get("untrusted_globals").toString());
        JsonNode evil = doc.get("tree").get("entries").get(0).get("value");
        assertEquals("object", evil.get("type").asText());
        assertEquals("os.system", evil.get("name").asText());
        assertFalse(evil.get("trusted").asBoolean());
        assertEquals("echo pwned", evil.get("args").get("items").get(0).get("value").asText());
    }

    @Test
    void anUntrustedGlobalInsideATorchZipIsShownToo() throws Exception {
        Path f = dir.resolve("evil.pt");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            stored(z, "archive/data.pkl", Files.readAllBytes(osSystemPickle()));
            stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        CliRun r = CliRun.of("inspect", f.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith(f + ": torch, "), r.toString());
        assertTrue(r.out().contains("  evil: <object os.system (not loaded: untrusted global)>\n"), r.toString());
    }

    /** A stored (uncompressed) zip entry, as torch.save writes them. */
    private static void stored(java.util.zip.ZipOutputStream z, String name, byte[] data) throws Exception {
        java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(name);
        e.setMethod(java.util.zip.ZipEntry.STORED);
        e.setSize(data.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    @Test
    void controlCharactersInKeysAndStringsAreEscapedInText() throws Exception {
        Path p = dir.resolve("esc.pkl");
        Mge.save(Map.of("k\u001b[2J", "v\u001b]0;title\u0007\u202e"), p);
        CliRun r = CliRun.of("inspect", p.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("  k\\x1b[2J: 'v\\x1b]0;title\\x07\\u202e'\n"), r.toString());
        assertFalse(r.out().contains("\u001b"), r.toString());
    }

    @Test
    void sharedListsThatWouldExpandToTwoToTheSixtyPathsAreShownOnceEach() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2, 'X', 3, 0, 0, 0, 'l', 'o', 'l', 'r', 0, 0, 0, 0});
        for (int i = 1; i <= 60; i++) {
            b.writeBytes(new byte[] {']', '(', 'j', (byte) (i - 1), 0, 0, 0, 'j', (byte) (i - 1), 0, 0, 0, 'e', 'r', (byte) i, 0, 0, 0});
        }
        b.write('.');
        Path f = dir.resolve("laughs.pkl");
        Files.write(f, b.toByteArray());
        CliRun text = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliRun.of("inspect", f.toString()));
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("\n  1: same list as 0\n"), text.toString());
        CliRun js = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliRun.of("inspect", "--json", f.toString()));
        assertEquals(0, js.exit(), js.toString());
        json.readTree(js.out());
    }

    @Test
    void aHostileStructureIsACleanErrorWithExitCodeOneAndNoStackTrace() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        for (int i = 0; i < 5000; i++) {
            b.write(']');
        }
        for (int i = 0; i < 4999; i++) {
            b.write('a');
        }
        b.write('.');
        Path f = dir.resolve("deep.pkl");
        Files.write(f, b.toByteArray());
        CliRun r = CliRun.of("inspect", f.toString());
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("java -jar kernel.jar inspect: " + f + ": pickle nests containers deeper than 1000 levels"), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        CliRun debug = CliRun.of("inspect", f.toString(), "--debug");
        assertEquals(1, debug.exit());
        assertTrue(debug.err().contains("\tat org.mge4j.serialization."), debug.toString());
    }

    @Test
    void missingAndUnknownFilesAreExitCodeOne() throws Exception {
        CliRun missing = CliRun.of("inspect", dir.resolve("nope.pkl").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file: " + dir.resolve("nope.pkl")), missing.toString());
        Path txt = dir.resolve("notes.txt");
        Files.writeString(txt, "hello");
        CliRun unknown = CliRun.of("inspect", txt.toString());
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("is not a file Mge.load knows"), unknown.toString());
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        assertEquals(1, CliRun.of("inspect", bad.toString()).exit());
    }

    @Test
    void aWrongCommandLineIsExitCodeTwoAndHelpIsZero() {
        CliRun none = CliRun.of("inspect");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("which file?"), none.toString());
        assertTrue(none.err().contains("inspect --help"), none.toString());
        assertEquals(2, CliRun.of("inspect", "a.pkl", "--yaml").exit());
        assertEquals(2, CliRun.of("inspect", "a.pkl", "b.pkl").exit());
        assertEquals(2, CliRun.of("frobnicate").exit());
        CliRun help = CliRun.of("inspect", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("usage: java -jar kernel.jar inspect FILE [--json]"), help.toString());
    }
}
