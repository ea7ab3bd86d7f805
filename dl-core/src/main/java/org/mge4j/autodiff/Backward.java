package org.mge4j.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward rule of one op: from the gradient of its output, the gradient of each input.
 *
 * <p>{@code needsGrad[i]} says whether input {@code i} takes part in the gradient; a rule may return
 * {@code null} at an index that is not needed, and should skip the work (for the first convolution of a network,
 * the input gradient is a large share of the step).
 */
@FunctionalInterface
public interface Backward {
    /**
     * @param dy        gradient of the op's output, same shape as the output
     * @param needsGrad for each input, whether its gradient is wanted
     * @return one gradient per input (shape of that input), or null where not needed
     */
    INDArray[] apply(INDArray dy, boolean[] needsGrad);
}
