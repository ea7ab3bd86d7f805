package org.mge4j.serialization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.nd4j.shade.jackson.core.JsonParser;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * The small index a {@link CheckpointManager} keeps beside its checkpoints, {@code checkpoints.json}: the metrics
 * of each epoch, which file names cannot hold. It is written crash-safely with {@link AtomicFiles} and carries a
 * CRC32C of its entries; the checkpoint files themselves stay the truth about which checkpoints exist, so a lost
 * or damaged index loses metrics, never checkpoints.
 *
 * <pre>{"format": "mge4j-checkpoints", "version": 1, "crc32c": "1a2b3c4d",
 *  "checkpoints": [{"epoch": 3, "file": "ckpt-epoch-0003.pkl", "metrics": {"val_loss": 0.31}}]}</pre>
 */
final class CheckpointIndex {
    static final String FILE = "checkpoints.json";
    private static final String FORMAT = "mge4j-checkpoints";
    // Jackson comes with ND4J (shaded); non-finite metrics are written as "NaN"/"Infinity" strings
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private CheckpointIndex() {
    }

    /** The outcome of reading the index: metrics by epoch, and why the index could not be used (null when it could). */
    record Read(Map<Integer, Map<String, Double>> metrics, String problem) {
    }

    /** Reads the index in {@code folder}; a missing index is empty, a damaged one is empty with a problem to report. */
    static Read read(Path folder) {
        Path file = folder.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new Read(Map.of(), null);
        } catch (IOException | RuntimeException e) {
            return new Read(Map.of(), file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != 1
                || !root.path("checkpoints").isArray()) {
            return new Read(Map.of(), file + " is not an mge4j checkpoint index of version 1");
        }
        JsonNode list = root.get("checkpoints");
        if (!crc(list).equals(root.path("crc32c").asText())) {
            return new Read(Map.of(), file + " fails its CRC32C check (it was changed or damaged after it was written)");
        }
        Map<Integer, Map<String, Double>> out = new TreeMap<>();
        for (JsonNode c : list) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("metrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                JsonNode v = m.getValue();
                if (v.isNumber()) {
                    metrics.put(m.getKey(), v.asDouble());
                } else if (v.isTextual()) {
                    metrics.put(m.getKey(), Double.parseDouble(v.asText()));
                }
            }
            out.put(c.path("epoch").asInt(), metrics);
        }
        return new Read(out, null);
    }

    /** Writes the index of {@code checkpoints} (oldest first) crash-safely. */
    static void write(Path folder, Iterable<SavedCheckpoint> checkpoints) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        ArrayNode list = JSON.createArrayNode();
        for (SavedCheckpoint c : checkpoints) {
            ObjectNode n = list.addObject();
            n.put("epoch", c.epoch());
            n.put("file", c.path().getFileName().toString());
            ObjectNode m = n.putObject("metrics");
            new TreeMap<>(c.metrics()).forEach(m::put);
        }
        root.put("crc32c", crc(list));
        root.set("checkpoints", list);
        AtomicFiles.write(folder.resolve(FILE), out -> out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
    }

    private static String crc(JsonNode list) {
        CRC32C c = new CRC32C();
        try {
            c.update(JSON.writeValueAsBytes(list));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return String.format("%08x", c.getValue());
    }
}
