package org.mge4j;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor that is a learnable parameter of a {@link org.mge4j.module.Module}: what {@code parameters()} returns
 * and optimizers update. Like MegEngine's {@code Parameter}, it is a {@link Tensor} in every other respect.
 */
public class Parameter extends Tensor {
    /** A parameter holding a copy of the tensor's data. */
    public Parameter(Tensor value) {
        super(value.nd().dup(), value.device());
    }

    /** A parameter from a number or nested Java arrays (double data becomes float32). */
    public Parameter(Object data) {
        super(data);
    }

    /** A parameter from a number or nested arrays, in the given dtype. */
    public Parameter(Object data, DType dtype) {
        super(data, dtype);
    }

    Parameter(INDArray data, Device device) {
        super(data, device);
    }

    /** Wraps an ND4J array as a parameter without copying. */
    public static Parameter wrapParameter(INDArray data) {
        return new Parameter(data, Device.defaultDevice());
    }
}
