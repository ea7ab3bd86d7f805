package org.mge4j.bench;

/**
 * One engine's implementation of the tutorial ConvNet, driven by {@link EngineMain} in a JVM of its own.
 *
 * <p>Model: conv 1->10 k5, relu, maxpool 2, conv 10->20 k5, relu, maxpool 2, flatten 320, fc 320->50, relu,
 * fc 50->10, relu; softmax cross-entropy; SGD lr 0.01 momentum 0.9; float32 NCHW.
 */
public interface ConvNetEngine {

    /** Short name used on the command line and in the report, e.g. {@code "djl"}. */
    String name();

    /** Sets the engine's compute threads; called once, before {@link #build}. */
    void setThreads(int threads);

    /**
     * Builds the model, the optimizer and the inputs. With {@code weights == null} the engine's own default
     * initialisation is used; otherwise every parameter is set from {@code weights}.
     */
    void build(Batch data, Weights weights, double lr, double momentum) throws Exception;

    /** One training step on the fixed batch of 64; returns the loss before the update. */
    float trainStep();

    /** Switches the model to inference mode (no tape, eval layers). */
    void eval();

    /** One forward pass on the fixed input of the given batch size (1 or 64); returns one output value. */
    float infer(int batch);

    /** Versions, backend and init scheme, as {@code key=value} lines for the report. */
    java.util.Map<String, String> info();
}
