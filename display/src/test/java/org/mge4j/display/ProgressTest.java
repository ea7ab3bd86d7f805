package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;

class ProgressTest {
    private static final long MS = 1_000_000;

    @AfterEach
    void reset() {
        Display.useSink(null);
        System.clearProperty("mge4j.progress");
    }

    @Test
    void theTextLineShowsPercentBarCountTimesRateAndPostfix() {
        AtomicLong now = new AtomicLong();
        Progress<Void> p = Progress.manual(1000).desc("epoch 1").clock(now::get);
        p.update(0);
        now.set(2999 * MS);
        p.update(450);
        p.postfix("loss", 0.312345).postfix("lr", 0.01);
        assertEquals("epoch 1:  45%|█████████           | 450/1000 [00:02<00:03, 150.05it/s, loss=0.3123, lr=0.01]",
                p.text(now.get()));
        now.set(3_600_000 * MS);
        p.update(550);
        assertEquals("epoch 1: 100%|████████████████████| 1000/1000 [1:00:00<00:00, 3.60s/it, loss=0.3123, lr=0.01]",
                p.text(now.get()));
    }

    @Test
    void anUnknownTotalCountsWithoutAPercentage() {
        AtomicLong now = new AtomicLong();
        Progress<Integer> p = Progress.over(() -> List.of(1, 2, 3).iterator()).unit("batch").clock(now::get);
        assertEquals(-1, p.total());
        var it = p.iterator();
        it.next();
        now.set(2000 * MS);
        it.next();
        assertEquals("1batch [00:02, 2.00s/batch]", p.text(now.get()));
    }

    @Test
    void inANotebookItIsOneOutputUpdatedInPlace() {
        RecordingSink sink = new RecordingSink(true);
        Display.useSink(sink);
        AtomicLong now = new AtomicLong();
        List<Integer> seen = new ArrayList<>();
        Progress<Integer> bar = Progress.over(List.of(1, 2, 3, 4, 5)).desc("train").clock(now::get);
        for (int x : bar) {
            seen.add(x);
            now.addAndGet(60 * MS);    // a redraw every second item
            bar.postfix("loss", Tensor.scalar(1.0 / x));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), seen);
        assertEquals(5, bar.count());
        List<String> types = sink.types();
        assertEquals("display_data", types.get(0));
        assertTrue(types.subList(1, types.size()).stream().allMatch("update_display_data"::equals), types.toString());
        assertTrue(types.size() >= 3 && types.size() <= 5, types.toString());
        MimeBundle last = sink.messages.get(sink.messages.size() - 1).bundle();
        assertEquals("train: 100%|████████████████████| 5/5 [00:00<00:00, 16.67it/s, loss=0.2]", last.text());
        assertTrue(last.html().contains("width:100.0%;background:#2e7d32"), last.html());
        assertTrue(last.html().contains("100% 5/5 [00:00&lt;00:00, 16.67it/s, loss=0.2]"), last.html());
        assertTrue(sink.messages.get(0).bundle().text().contains("  0%|"), "starts empty");
    }

    @Test
    void aLoopLeftEarlyLeavesAnOrangeBarAtItsCount() {
        RecordingSink sink = new RecordingSink(true);
        Display.useSink(sink);
        try (Progress<Integer> bar = Progress.range(10)) {
            for (int i : bar) {
                if (i == 3) {
                    break;
                }
            }
        }
        MimeBundle last = sink.messages.get(sink.messages.size() - 1).bundle();
        assertTrue(last.text().contains(" 3/10 "), last.text());
        assertTrue(last.html().contains("#e65100"), last.html());
    }

    @Test
    void inJupyterConsoleItIsOneCarriageReturnLineOnStderr() {
        Display.useSink(new RecordingSink(false));
        String err = captureErr(() -> {
            for (int i : Progress.range(3).every(java.time.Duration.ZERO)) {
                // nothing
            }
        });
        assertTrue(err.startsWith("\r  0%|"), err);
        // drawn at 0, 1, 2, 3 and once more by close() with the final rate
        assertEquals(5, err.chars().filter(c -> c == '\r').count(), err);
        assertTrue(err.endsWith("3/3 [00:00<00:00, " + err.substring(err.lastIndexOf(", ") + 2)), err);
        assertEquals(1, err.chars().filter(c -> c == '\n').count(), err);
    }

    @Test
    void withoutANotebookOrTerminalItIsSilent() {
        String err = captureErr(() -> {
            for (int i : Progress.range(3)) {
                // nothing
            }
        });
        assertEquals("", err);
    }

    @Test
    void thePropertyForcesTextOrSilence() {
        System.setProperty("mge4j.progress", "text");
        String err = captureErr(() -> Progress.range(2).forEach(i -> { }));
        assertTrue(err.contains("2/2"), err);
        Display.useSink(new RecordingSink(true));
        System.setProperty("mge4j.progress", "off");
        assertEquals("", captureErr(() -> Progress.range(2).forEach(i -> { })));
    }

    private static String captureErr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
