package org.mge4j.optimizer;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An optimizer's update rule in one pass over the float32 values, for dense parameters. Written as ND4J ops the
 * SGD rule is four to six native calls per parameter, and for the small tensors of a network the per-call cost
 * (about 20 µs each) is most of the optimizer's time; the arithmetic is the same, in the same order.
 */
final class FusedUpdate {
    private FusedUpdate() {
    }

    /** True when every array is dense row-major float32 outside a workspace, so its buffer can be read directly. */
    static boolean applies(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && (a.dataType() != DataType.FLOAT || a.isView() || a.isAttached()
                    || !Shape.hasDefaultStridesForShape(a))) {
                return false;
            }
        }
        return true;
    }

    /**
     * MegEngine's SGD on one parameter: {@code g = grad + wd*p; v = momentum*v + g; g = nesterov ? g + momentum*v : v;
     * p - lr*g}. Updates the momentum buffer {@code v} in place (it is the optimizer's own array) and returns the new
     * parameter values as a new array.
     */
    static INDArray sgd(INDArray param, INDArray grad, INDArray buffer, double lr, double momentum, double weightDecay,
                        boolean nesterov) {
        int n = (int) param.length();
        FloatBuffer p = param.data().asNioFloat();
        FloatBuffer g = grad.data().asNioFloat();
        FloatBuffer v = buffer == null ? null : buffer.data().asNioFloat();
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, param.shape());
        FloatBuffer o = out.data().asNioFloat();
        float fl = (float) lr;
        float fm = (float) momentum;
        float fw = (float) weightDecay;
        for (int i = 0; i < n; i++) {
            float pi = p.get(i);
            float gi = g.get(i);
            if (weightDecay != 0.0) {
                gi = gi + pi * fw;
            }
            if (v != null) {
                float vi = v.get(i) * fm + gi;
                v.put(i, vi);
                gi = nesterov ? gi + vi * fm : vi;
            }
            o.put(i, pi - gi * fl);
        }
        return out;
    }
}
