package org.mge4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.Parameter;
import org.mge4j.Tensor;

/** MegEngine's test_grad_manager.py, mirrored. */
class GradManagerTest {
    @Test
    void backwardOfNonScalarOutputSeedsWithOnes() {
        Tensor x = Tensor.of(new float[] {1, 3, 5}).reshape(1, 3);
        Tensor w = Tensor.of(new float[] {2, 4, 6}).reshape(3, 1);
        Tensor b = Tensor.scalar(-1.0);
        GradManager gm = new GradManager().attach(w, b);
        try (var rec = gm.record()) {
            Tensor y = x.matmul(w).add(b);
            gm.backward(y);
        }
        assertArrayEquals(new float[] {1, 3, 5}, w.grad().toFloatArray());
        assertArrayEquals(new long[] {3, 1}, w.grad().shape());
        assertArrayEquals(new float[] {1}, b.grad().toFloatArray());
    }

    @Test
    void explicitDyScalesTheGradients() {
        Tensor x = Tensor.of(new float[] {1, 3, 5}).reshape(1, 3);
        Tensor w = Tensor.of(new float[] {2, 4, 6}).reshape(3, 1);
        GradManager gm = new GradManager().attach(w);
        try (var rec = gm.record()) {
            gm.backward(x.matmul(w), Tensor.of(new float[][] {{2}}));
        }
        assertArrayEquals(new float[] {2, 6, 10}, w.grad().toFloatArray());
    }

    @Test
    void gradientsAccumulateOverBackwards() {
        Parameter w = new Parameter(new float[] {1, 2});
        GradManager gm = new GradManager().attach(w);
        for (int i = 0; i < 3; i++) {
            try (var rec = gm.record()) {
                gm.backward(w.mul(w).sum());
            }
        }
        assertArrayEquals(new float[] {6, 12}, w.grad().toFloatArray());
    }

    @Test
    void recordingStopsAfterBackward() {
        Parameter w = new Parameter(new float[] {1, 2});
        GradManager gm = new GradManager().attach(w);
        var rec = gm.record();
        gm.backward(w.sum());
        assertFalse(gm.isRecording());
        var e = assertThrows(IllegalStateException.class, () -> gm.backward(w.sum()));
        assertEquals("no computation history. did you forget record() or call a method that clears the history?", e.getMessage());
        rec.close();
    }

    @Test
    void recordingTwiceIsAnError() {
        GradManager gm = new GradManager();
        try (var rec = gm.record()) {
            var e = assertThrows(IllegalStateException.class, gm::record);
            assertEquals("already recording", e.getMessage());
        }
        assertFalse(gm.isRecording());
    }

    @Test
    void attachedTensorThatTakesNoPartKeepsNullGrad() {
        Parameter used = new Parameter(new float[] {1});
        Parameter unused = new Parameter(new float[] {1});
        GradManager gm = new GradManager().attach(used, unused);
        try (var rec = gm.record()) {
            gm.backward(used.mul(2.0).sum());
        }
        assertArrayEquals(new float[] {2}, used.grad().toFloatArray());
        assertNull(unused.grad());
    }

    @Test
    void integerTensorsCannotBeAttached() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GradManager().attach(Tensor.of(new int[] {1})));
        assertTrue(e.getMessage().startsWith("Only tensors of floating point dtype can be attached"));
    }

    @Test
    void attachingAnIntermediateInsideRecordGivesItAGradient() {
        Parameter w = new Parameter(new float[] {3});
        GradManager gm = new GradManager().attach(w);
        try (var rec = gm.record()) {
            Tensor h = w.mul(2.0);
            gm.attach(h);
            gm.backward(h.mul(h).sum());
        }
        assertArrayEquals(new float[] {12}, ((Tensor) gm.attachedTensors().get(1)).grad().toFloatArray());
        assertArrayEquals(new float[] {24}, w.grad().toFloatArray());
    }

    @Test
    void attachedTensorsAreListedOnceInAttachOrder() {
        Parameter a = new Parameter(new float[] {1});
        Parameter b = new Parameter(new float[] {2});
        GradManager gm = new GradManager().attach(a, b).attach(List.of(a));
        assertEquals(List.of(a, b), gm.attachedTensors());
    }

    @Test
    void opsOutsideARecordingKeepNoHistory() {
        Parameter w = new Parameter(new float[] {1});
        new GradManager().attach(w);
        assertNull(w.mul(2.0).node());
    }
}
