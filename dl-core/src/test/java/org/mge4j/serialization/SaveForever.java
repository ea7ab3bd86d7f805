package org.mge4j.serialization;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/**
 * The writer {@link KillDuringSaveTest} kills: saves both {@link #contents} once elsewhere (warm-up), prints
 * "ready" and the milliseconds that took, waits for "go" on stdin, then overwrites the file new, old, new, ... for
 * ever. Argument: the file.
 */
public final class SaveForever {
    private SaveForever() {
    }

    /** One of the two known checkpoints, 4 MB of float32 each, the same bits in every JVM. */
    static Map<String, Object> contents(boolean newer) {
        Map<String, Object> sd = new LinkedHashMap<>();
        for (int t = 0; t < 4; t++) {
            float[] v = new float[1 << 18];
            for (int i = 0; i < v.length; i++) {
                v[i] = (newer ? -1 : 1) * (i % 1000) * 0.001f + t;
            }
            sd.put("layer" + t + ".weight", Tensor.of(v).reshape(512, 512));
        }
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", newer ? 2 : 1);
        ckpt.put("model_state_dict", sd);
        return ckpt;
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        Map<String, Object> old = contents(false);
        Map<String, Object> newer = contents(true);
        Path warmup = java.nio.file.Files.createTempFile("save-forever", ".pkl");
        long start = System.nanoTime();
        Mge.save(newer, warmup);
        Mge.save(old, warmup);
        java.nio.file.Files.delete(warmup);
        System.out.println("ready " + (System.nanoTime() - start) / 1_000_000);
        System.out.flush();
        if (!"go".equals(new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine())) {
            return;
        }
        while (true) {
            Mge.save(newer, path);
            Mge.save(old, path);
        }
    }
}
