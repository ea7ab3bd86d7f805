package org.mge4j.functional;

import org.mge4j.Tensor;
import org.mge4j.autodiff.Autograd;
import org.mge4j.autodiff.OpAttributes;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Inverted dropout: zero each element with probability p and scale the survivors by {@code 1/(1-p)}. */
final class Dropout {
    private Dropout() {
    }

    /**
     * Dropout of {@code x} with probability {@code dropProb}, drawn from ND4J's generator (seeded by
     * {@link org.mge4j.Mge#seed}). When {@code training} is false or {@code dropProb == 0} it returns {@code x}.
     */
    public static Tensor dropout(Tensor x, double dropProb, boolean training) {
        if (!(dropProb >= 0 && dropProb < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + dropProb);
        }
        if (!training || dropProb == 0) {
            if (Autograd.isObserved()) {
                // traced: keep the op in the graph (as an identity) so that dump's dropout removal has it to remove
                return Autograd.record("dropout", OpAttributes.create().with("drop_prob", dropProb).with("training", false),
                        x.nd(), (dy, need) -> new INDArray[] {dy}, x);
            }
            return x;
        }
        INDArray a = Arithmetic.floating(x);
        INDArray mask = org.mge4j.RandomState.uniform(0, 1, a.dataType(), a.shape()).gt(dropProb).castTo(a.dataType()).muli(1.0 / (1 - dropProb));
        return Autograd.record("dropout", OpAttributes.create().with("drop_prob", dropProb).with("training", true), a.mul(mask), (dy, need) -> new INDArray[] {dy.mul(mask)}, x);
    }
}
