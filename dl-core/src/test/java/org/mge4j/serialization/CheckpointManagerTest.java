package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.optimizer.SGD;
import org.mge4j.serialization.CheckpointManager.Mode;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.training.ConvNet;

/** Rotation, keep-best, every-N, restore, and damaged files: refused or skipped, never restored as wrong numbers. */
class CheckpointManagerTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private final Logger log = Logger.getLogger(CheckpointManager.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                warnings.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureWarnings() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        log.removeHandler(capture);
    }

    /** A small checkpoint whose tensors depend on {@code epoch}. */
    static Map<String, Object> state(int epoch) {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("fc.weight", Tensor.arange(12).reshape(3, 4).add(epoch));
        sd.put("fc.bias", Tensor.full(new long[] {3}, epoch * 0.5));
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", epoch);
        ckpt.put("model_state_dict", sd);
        return ckpt;
    }

    static List<Integer> epochs(CheckpointManager m) {
        return m.list().stream().map(SavedCheckpoint::epoch).toList();
    }

    static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keepLastRotatesOutTheOldestAfterEachSave() throws Exception {
        CheckpointManager m = CheckpointManager.builder(dir).keepLast(2).build();
        for (int e = 1; e <= 5; e++) {
            assertEquals(dir.resolve(String.format("ckpt-epoch-%04d.pkl", e)), m.save(e, state(e)).orElseThrow().path());
        }
        assertEquals(List.of(4, 5), epochs(m));
        assertEquals(List.of("checkpoints.json", "ckpt-epoch-0004.pkl", "ckpt-epoch-0005.pkl"), files(dir));
        assertEquals(5, m.latest().orElseThrow().epoch());
        assertEquals(5, m.restoreLatest().orElseThrow().get("epoch"));
    }

    @Test
    void keepBestKeepsTheBestByMetricTogetherWithTheLast() {
        CheckpointManager m = CheckpointManager.builder(dir).keepLast(1).keepBest(2, "val_loss", Mode.MIN).build();
        double[] losses = {0.9, 0.5, 0.7, 0.3, 0.8, 0.6};
        for (int e = 0; e < losses.length; e++) {
            m.save(e, state(e), Map.of("val_loss", losses[e], "acc", 1 - losses[e]));
        }
        assertEquals(List.of(1, 3, 5), epochs(m)); // best 0.3 (epoch 3), 0.5 (epoch 1), and the last
        assertEquals(3, m.best().orElseThrow().epoch());
        assertEquals(0.3, m.best().orElseThrow().metric("val_loss").getAsDouble());
        // the metrics survive a new manager through the index
        CheckpointManager again = CheckpointManager.builder(dir).keepBest(1, "acc", Mode.MAX).build();
        assertEquals(3, again.best().orElseThrow().epoch());
        assertEquals(0.6, again.list().get(2).metric("val_loss").getAsDouble());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void keepBestAloneDeletesANewCheckpointThatIsNotAmongTheBest() {
        CheckpointManager m = CheckpointManager.builder(dir).keepBest(1, "acc", Mode.MAX).build();
        m.save(0, state(0), Map.of("acc", 0.5));
        m.save(1, state(1), Map.of("acc", 0.9));
        m.save(2, state(2), Map.of("acc", 0.7));
        assertEquals(List.of(1), epochs(m));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.save(3, state(3), Map.of("loss", 1)));
        assertTrue(e.getMessage().contains("keepBest watches the metric 'acc' but save(3, ...) got only [loss]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> CheckpointManager.builder(dir).build().best());
    }

    @Test
    void saveEveryNSavesOnlyMultiplesOfN() {
        CheckpointManager m = CheckpointManager.builder(dir).saveEvery(3).build();
        List<Integer> saved = new ArrayList<>();
        for (int e = 0; e <= 10; e++) {
            m.save(e, state(e)).ifPresent(c -> saved.add(c.epoch()));
        }
        assertEquals(List.of(0, 3, 6, 9), saved);
        assertEquals(List.of(0, 3, 6, 9), epochs(m));
    }

    @Test
    void restoreGivesBackTheSavedTensorsBitForBitAndPassesLoadOptionsThrough() {
        Mge.seed(2);
        ConvNet model = new ConvNet();
        SGD opt = new SGD(model.parameters(), 0.01, 0.9);
        CheckpointManager m = CheckpointManager.builder(dir.resolve("nested/run")).build();
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 4);
        ckpt.put("model_state_dict", model.stateDict());
        ckpt.put("optimizer_state_dict", opt.stateDict());
        ckpt.put("loss", 0.25);
        m.save(4, ckpt);
        Map<String, Object> back = m.restore(4);
        assertEquals(4, back.get("epoch"));
        assertEquals(0.25, back.get("loss"));
        Map<?, ?> sd = assertInstanceOf(Map.class, back.get("model_state_dict"));
        model.stateDict().forEach((k, t) -> assertArrayEquals(ArrayBytes.toBytes(t), ArrayBytes.toBytes((Tensor) sd.get(k)), k));
        new SGD(new ConvNet().parameters(), 0.1, 0.5).loadStateDict(assertInstanceOf(Map.class, back.get("optimizer_state_dict")));
        SerializationException e = assertThrows(SerializationException.class,
                () -> m.restore(4, LoadOptions.builder().maxDepth(2).build()));
        assertTrue(e.getMessage().contains("maxDepth"), "the caller's limits apply: " + e.getMessage());
        e = assertThrows(SerializationException.class, () -> m.restore(5));
        assertTrue(e.getMessage().contains("no checkpoint of epoch 5") && e.getMessage().contains("[4]"), e.getMessage());
        assertTrue(CheckpointManager.builder(dir.resolve("empty")).build().restoreLatest().isEmpty());
    }

    @Test
    void aCorruptedNewestCheckpointIsSkippedWithAWarningAndTheOlderOneRestored() throws Exception {
        CheckpointManager m = CheckpointManager.builder(dir).build();
        m.save(1, state(1));
        m.save(2, state(2));
        Path newest = m.pathOf(2);
        byte[] b = Files.readAllBytes(newest);
        b[indexOf(b, ArrayBytes.toBytes(Tensor.arange(12).reshape(3, 4).add(2))) + 7] ^= 0x01;
        Files.write(newest, b);
        Map<String, Object> restored = m.restoreLatest().orElseThrow();
        assertEquals(1, restored.get("epoch"));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("ckpt-epoch-0002.pkl") && w.contains("tensor 'model_state_dict.fc.weight'")
                && w.contains("is corrupted")), warnings.toString());
        SerializationException e = assertThrows(SerializationException.class, () -> m.restore(2));
        assertTrue(e.getMessage().contains("fails its CRC32C check"), e.getMessage());
        Files.write(m.pathOf(1), Arrays.copyOf(Files.readAllBytes(m.pathOf(1)), 100));
        e = assertThrows(SerializationException.class, m::restoreLatest);
        assertTrue(e.getMessage().startsWith("every checkpoint in " + dir.toAbsolutePath() + " is damaged")
                && e.getMessage().contains("ckpt-epoch-0001.pkl: ") && e.getMessage().contains("ckpt-epoch-0002.pkl: "), e.getMessage());
    }

    /** A real model + optimizer checkpoint through the manager: every damage is an exception, never other numbers. */
    @Test
    void everyFlippedTensorByteAndEveryTruncationOfACheckpointIsRefusedByRestore() throws Exception {
        Mge.seed(3);
        ConvNet model = new ConvNet();
        SGD opt = new SGD(model.parameters(), 0.01, 0.9);
        CheckpointManager m = CheckpointManager.builder(dir).build();
        m.save(7, Map.of("model_state_dict", model.stateDict(), "optimizer_state_dict", opt.stateDict(), "epoch", 7));
        Path f = m.pathOf(7);
        byte[] good = Files.readAllBytes(f);
        int refused = 0;
        for (int i = 0; i < good.length; i += i < 512 || i > good.length - 2048 ? 1 : 509) { // the trailer is the last ~1.5 KB
            byte[] bad = good.clone();
            bad[i] ^= (byte) (0x80 >>> (i % 8));
            Files.write(f, bad);
            int at = i;
            assertThrows(SerializationException.class, () -> m.restore(7), () -> "flipped byte " + at);
            refused++;
        }
        for (int len = 0; len < good.length; len += len < 512 || len > good.length - 2048 ? 2 : 499) {
            Files.write(f, Arrays.copyOf(good, len));
            int at = len;
            assertThrows(SerializationException.class, () -> m.restore(7), () -> "cut at " + at);
            refused++;
        }
        Files.write(f, good);
        assertEquals(7, m.restore(7).get("epoch"));
        System.out.printf("checkpoint of %d bytes: %d flipped or truncated copies, all refused%n", good.length, refused);
    }

    @Test
    void aLostOrDamagedIndexLosesMetricsButNoCheckpoint() throws Exception {
        CheckpointManager m = CheckpointManager.builder(dir).keepBest(1, "val_loss", Mode.MIN).build();
        m.save(1, state(1), Map.of("val_loss", 0.5));
        m.save(2, state(2), Map.of("val_loss", 0.4));
        m.save(3, state(3), Map.of("val_loss", 0.3));
        assertEquals(List.of(3), epochs(m));
        Path index = dir.resolve("checkpoints.json");
        Files.copy(m.pathOf(3), m.pathOf(1)); // a checkpoint the index does not know
        String json = Files.readString(index);
        Files.writeString(index, json.replace("0.3", "0.2")); // a damaged metric is caught by the index CRC
        CheckpointManager after = CheckpointManager.builder(dir).keepBest(1, "val_loss", Mode.MIN).build();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("fails its CRC32C check") && w.contains("none of them will be deleted")), warnings.toString());
        assertEquals(List.of(1, 3), epochs(after));
        assertTrue(after.list().get(1).metrics().isEmpty());
        after.save(4, state(4), Map.of("val_loss", 0.9));
        assertEquals(List.of(1, 3, 4), epochs(after), "unknown metrics are never deleted by keepBest; epoch 4 is the best known");
        after.save(5, state(5), Map.of("val_loss", 0.1));
        assertEquals(List.of(1, 3, 5), epochs(after));
        Files.delete(index);
        assertEquals(List.of(1, 3, 5), epochs(CheckpointManager.builder(dir).build()), "no index at all: still every checkpoint");
    }

    @Test
    void temporaryFilesOfDeadWritersAreDeletedAndNoneIsEverListed() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        long alive = ProcessHandle.current().pid();
        Path deadTmp = Files.write(dir.resolve("ckpt-epoch-0003.pkl.tmp-" + dead + "-1f2e3d"), new byte[10]);
        Path deadIndexTmp = Files.write(dir.resolve("checkpoints.json.tmp-" + dead + "-ab"), new byte[3]);
        Path liveTmp = Files.write(dir.resolve("ckpt-epoch-0004.pkl.tmp-" + alive + "-99"), new byte[10]);
        Path foreign = Files.write(dir.resolve("notes.txt.tmp-" + dead + "-1"), new byte[1]);
        CheckpointManager m = CheckpointManager.builder(dir).build();
        assertFalse(Files.exists(deadTmp));
        assertFalse(Files.exists(deadIndexTmp));
        assertTrue(Files.exists(liveTmp), "a running writer's temporary file is left alone");
        assertTrue(Files.exists(foreign), "files the manager does not own are left alone");
        assertTrue(m.list().isEmpty());
        assertTrue(m.restoreLatest().isEmpty());
    }

    @Test
    void builderRefusesWhatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointManager.builder(dir).keepLast(0));
        assertThrows(IllegalArgumentException.class, () -> CheckpointManager.builder(dir).saveEvery(0));
        assertThrows(IllegalArgumentException.class, () -> CheckpointManager.builder(dir).keepBest(0, "loss", Mode.MIN));
        assertThrows(IllegalArgumentException.class,
                () -> CheckpointManager.builder(dir).saveOptions(SaveOptions.builder().format(Format.SAFETENSORS).build()));
        assertThrows(IllegalArgumentException.class, () -> CheckpointManager.builder(dir).build().save(-1, state(0)));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("bytes not found");
    }
}
