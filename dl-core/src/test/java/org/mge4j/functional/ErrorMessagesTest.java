package org.mge4j.functional;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;

/** Mistakes a notebook user can make with the layer ops get messages that name the bad value and the expectation. */
class ErrorMessagesTest {
    private static void assertMessage(Runnable r, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
        }
    }

    @Test
    void conv2dNamesTheChannelMismatchAndBadShapes() {
        assertMessage(() -> F.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 2, 3, 3)), "3 channels", "(4, 2, 3, 3)");
        assertMessage(() -> F.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3)), "4-D input", "(3, 8, 8)");
        assertMessage(() -> F.conv2d(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(4, 3, 3, 3)), "does not fit");
        assertMessage(() -> F.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(1, 5, 1, 1)), "4 elements");
        assertMessage(() -> F.conv2d(Tensor.zeros(1, 4, 8, 8), Tensor.zeros(3, 2, 2, 3, 3), null, 1, 0, 1, 2), "groups=2");
    }

    @Test
    void poolingNamesBadWindows() {
        assertMessage(() -> F.maxPool2d(Tensor.zeros(1, 1, 4, 4), 2, 2, 2), "padding must be smaller than the kernel");
        assertMessage(() -> F.avgPool2d(Tensor.zeros(1, 1, 4, 4), 2, 2, 0, "mean"), "\"mean\"");
        assertMessage(() -> F.maxPool2d(Tensor.zeros(4, 4), 2), "4-D input");
    }

    @Test
    void otherOpsNameTheirBadArguments() {
        assertMessage(() -> F.batchNorm(Tensor.zeros(2, 3), Tensor.zeros(1, 4), Tensor.ones(1, 4), null, null, true), "3 elements");
        assertMessage(() -> F.batchNorm(Tensor.zeros(2, 3), null, null, null, null, false), "eval mode");
        assertMessage(() -> F.topk(Tensor.zeros(2, 3), 4), "k must be in [1, 3]");
        assertMessage(() -> F.pad(Tensor.zeros(2, 3), new int[][] {{1, 1}}), "one (before, after) pair per axis");
        assertMessage(() -> F.pad(Tensor.zeros(2), new int[][] {{2, 0}}, "reflect"), "smaller than its size 2");
        assertMessage(() -> F.clip(Tensor.zeros(2), 1, 0), "lower bound 1.0");
    }

    @Test
    void conv2dSkipsTheInputGradientWhenTheInputIsNotAttached() {
        Tensor x = Tensor.randn(2, 1, 6, 6);
        Tensor w = Tensor.randn(3, 1, 3, 3);
        GradManager gm = new GradManager().attach(List.of(w));
        try (var rec = gm.record()) {
            gm.backward(F.conv2d(x, w).sum());
        }
        assertNull(x.grad());
        assertTrue(w.grad() != null);
    }
}
