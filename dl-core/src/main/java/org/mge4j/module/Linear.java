package org.mge4j.module;

import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.functional.F;

/**
 * A fully connected layer {@code y = x @ weight.T + bias} on inputs of shape {@code (*, in)}: MegEngine's
 * {@code Linear}. {@code weight} is {@code (out, in)} drawn from N(0, 1/in); {@code bias} is {@code (out,)} zeros.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    /** The weight, shape {@code (out_features, in_features)}. */
    public Parameter weight;
    /** The bias, shape {@code (out_features,)}, or null when built without one. */
    public Parameter bias;

    /** A linear layer with a bias. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /** A linear layer, with a bias when {@code bias} is true. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        checkPositive("in_features", inFeatures);
        checkPositive("out_features", outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter(Tensor.zeros(outFeatures, inFeatures));
        this.bias = bias ? new Parameter(Tensor.zeros(outFeatures)) : null;
        resetParameters();
    }

    /** Draws the weight again from N(0, 1/in_features) and zeroes the bias. */
    public void resetParameters() {
        Init.normal(weight, 0, Math.sqrt(1.0 / inFeatures));
        if (bias != null) {
            Init.zeros(bias);
        }
    }

    /** The number of input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** The number of output features. */
    public int outFeatures() {
        return outFeatures;
    }

    /** {@code x @ weight.T + bias}. */
    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }

    @Override
    protected String moduleInfo() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + PyFormat.bool(bias != null);
    }

    static void checkPositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
