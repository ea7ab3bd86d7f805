package org.mge4j.functional;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Runs libnd4j custom ops by name with outputs allocated here, so that no native shape calculation is paid. */
final class Native {
    private Native() {
    }

    /** Runs {@code op} on {@code inputs} writing into {@code outputs}; integer args are passed in one call. */
    static void exec(String op, INDArray[] inputs, INDArray[] outputs, int... iArgs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(op).addInputs(inputs).addOutputs(outputs);
        if (iArgs.length > 0) {
            b.addIntegerArguments(iArgs);
        }
        Nd4j.exec(b.build());
    }

    /**
     * As {@link #exec}, with libnd4j's platform helpers (oneDNN) off for this call: for ops whose oneDNN path fails
     * on arguments libnd4j's own implementation takes (a dilated conv2d: "could not create a descriptor for a
     * dilated convolution forward propagation primitive").
     */
    static void execWithoutHelpers(String op, INDArray[] inputs, INDArray[] outputs, int... iArgs) {
        org.nd4j.linalg.api.ops.OpContext context = Nd4j.getExecutioner().buildContext();
        context.allowHelpers(false);
        context.setInputArrays(inputs);
        context.setOutputArrays(outputs);
        long[] args = new long[iArgs.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = iArgs[i];
        }
        context.setIArguments(args);
        Nd4j.getExecutioner().exec(DynamicCustomOp.builder(op).build(), context);
    }

    /** {@code a} itself when it is a dense row-major array, else a dense row-major copy. */
    static INDArray contiguous(INDArray a) {
        return org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    /**
     * An uninitialised array of the given type and shape: from the training step's reused memory inside a module
     * call while a GradManager records (see {@link org.mge4j.ActivationMemory}), else fresh.
     */
    static INDArray empty(INDArray like, long... shape) {
        INDArray reused = org.mge4j.ActivationMemory.take(like.dataType(), shape);
        return reused != null ? reused : Nd4j.createUninitialized(like.dataType(), shape);
    }
}
