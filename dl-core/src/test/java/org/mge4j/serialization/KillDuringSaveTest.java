package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;

/**
 * SIGKILL during {@code Mge.save}: a child JVM ({@link SaveForever}) overwrites one checkpoint with two known 4 MB
 * contents in turn and is killed at a random moment, {@value #KILLS} times. After every kill the file must load
 * with its checksums verified and be exactly the old or the new content; leftover temporary files are counted,
 * and a {@link CheckpointManager} opening the folder must delete them and list just the checkpoint.
 */
class KillDuringSaveTest {
    private static final int KILLS = 50;
    /** Children started ahead, so that JVM start-up overlaps the kill and the check of the previous one. */
    private static final int AHEAD = 2;

    @TempDir
    Path dir;

    @Test
    void afterEverySigkillDuringASaveTheFileIsExactlyTheOldOrTheNewCheckpoint() throws Exception {
        Path file = dir.resolve("ckpt-epoch-0001.pkl");
        Map<String, Object> old = SaveForever.contents(false);
        Map<String, Object> newer = SaveForever.contents(true);
        Mge.save(old, file);
        LoadOptions verified = LoadOptions.builder().requireChecksums(true).build();
        Random random = new Random(42);
        ArrayDeque<Process> started = new ArrayDeque<>();
        int sawOld = 0;
        int sawNew = 0;
        int leftovers = 0;
        long begin = System.nanoTime();
        for (int kill = 0; kill < KILLS; kill++) {
            while (started.size() < AHEAD + 1 && kill + started.size() < KILLS) {
                started.add(start(file));
            }
            Process child = started.poll();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "the writer did not start: " + ready
                    + new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            long pairMillis = Long.parseLong(ready.substring(6));
            child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            child.getOutputStream().flush();
            Thread.sleep(random.nextInt((int) Math.max(20, 2 * pairMillis)));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue(), "killed by SIGKILL, not ended otherwise");

            Map<?, ?> got = (Map<?, ?>) Mge.load(file, verified);
            boolean isNew = got.get("epoch").equals(2);
            assertEquals(isNew ? newer.keySet() : old.keySet(), got.keySet());
            Map<?, ?> want = (Map<?, ?>) (isNew ? newer : old).get("model_state_dict");
            Map<?, ?> have = (Map<?, ?>) got.get("model_state_dict");
            assertEquals(want.keySet(), have.keySet());
            for (Object k : want.keySet()) {
                assertArrayEquals(ArrayBytes.toBytes((Tensor) want.get(k)), ArrayBytes.toBytes((Tensor) have.get(k)),
                        "kill " + kill + ": " + k + " of the " + (isNew ? "new" : "old") + " checkpoint");
            }
            sawNew += isNew ? 1 : 0;
            sawOld += isNew ? 0 : 1;
            leftovers = temporaryFiles().length;
        }
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
        String[] temps = temporaryFiles();
        System.out.printf("%d SIGKILLs during saves in %.1f s: the file was the old checkpoint %d times, the new one %d times, "
                + "never anything else; %d temporary files left by killed writers (such as %s)%n", KILLS, (System.nanoTime() - begin) / 1e9,
                sawOld, sawNew, leftovers, temps.length == 0 ? "none" : temps[0]);
        assertEquals(KILLS, sawOld + sawNew);
        assertTrue(sawOld > 0 && sawNew > 0, "kills landed at different moments");
        assertTrue(leftovers > 0, "some kills landed in the middle of writing the temporary file");

        CheckpointManager m = CheckpointManager.builder(dir).build();
        assertEquals(0, temporaryFiles().length, "the manager deletes what dead writers left");
        assertEquals(1, m.list().size());
        assertEquals(1, m.list().get(0).epoch());
        assertTrue(m.restoreLatest().isPresent());
    }

    private String[] temporaryFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).sorted().toArray(String[]::new);
        }
    }

    private static Process start(Path file) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2",
                "-cp", System.getProperty("java.class.path"), SaveForever.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
