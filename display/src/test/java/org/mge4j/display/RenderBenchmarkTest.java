package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;

/**
 * The budget: rendering a 1,000,000-element tensor or a 500-entry state dict takes under 50 ms and
 * makes at most 100 KB of HTML. Size is asserted; time is printed (median of warm runs), not asserted, because a
 * shared 2-core machine makes timing asserts flaky.
 */
class RenderBenchmarkTest {

    private static long medianMicros(Runnable r) {
        for (int i = 0; i < 5; i++) {
            r.run();
        }
        long[] t = new long[15];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1000;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    @Test
    void aMillionElementTensorRendersSmallAndFast() {
        Tensor t = Tensor.randn(1000, 1000);
        int[] size = new int[1];
        long us = medianMicros(() -> size[0] = Renderers.render(t).html().getBytes(StandardCharsets.UTF_8).length);
        System.out.printf("render 1,000,000-element tensor: %.2f ms, %d bytes of HTML%n", us / 1000.0, size[0]);
        assertTrue(size[0] <= 100_000, size[0] + " bytes");
    }

    @Test
    void aFiveHundredEntryStateDictRendersSmallAndFast() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) {
            m.put("encoder.layers." + i + ".attention.weight", Tensor.zeros(64, 64));
            m.put("encoder.layers." + i + ".attention.bias", Tensor.zeros(64));
        }
        int[] size = new int[1];
        long us = medianMicros(() -> size[0] = Renderers.render(m).html().getBytes(StandardCharsets.UTF_8).length);
        System.out.printf("render 500-entry state dict: %.2f ms, %d bytes of HTML%n", us / 1000.0, size[0]);
        assertTrue(size[0] <= 100_000, size[0] + " bytes");
    }
}
