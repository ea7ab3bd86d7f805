package org.mge4j.data;

import java.util.List;
import org.mge4j.Tensor;

/** Several transforms applied in order, as MegEngine's {@code T.Compose([...])}. */
public final class Compose implements Transform {
    private final List<Transform> transforms;

    /** The transforms in the order they run. */
    public Compose(Transform... transforms) {
        this.transforms = List.of(transforms);
    }

    /** The transforms in the order they run. */
    public Compose(List<Transform> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    @Override
    public Tensor apply(Tensor input) {
        Tensor x = input;
        for (Transform t : transforms) {
            x = t.apply(x);
        }
        return x;
    }

    /** {@code Compose([Pad(2), Normalize(...)])}. */
    @Override
    public String toString() {
        return "Compose(" + transforms + ")";
    }
}
