package org.mge4j;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one random generator behind every draw of mge4j (tensor creation, initialisation, dropout masks, data
 * shuffling), seeded by {@link Mge#seed}. Draws are made in Java so that a seed gives the same numbers in every
 * process and on every backend (ND4J's native generator does not restart its stream when re-seeded).
 */
public final class RandomState {
    private static SplittableRandom generator = new SplittableRandom(System.nanoTime());

    private RandomState() {
    }

    /** Restarts the stream from {@code seed}. */
    public static synchronized void seed(long seed) {
        generator = new SplittableRandom(seed);
    }

    /** A new independent seed drawn from the stream (for generators of their own, such as a DataLoader's). */
    public static synchronized long nextSeed() {
        return generator.nextLong();
    }

    /** Normal float32 samples. */
    public static synchronized INDArray normal(double mean, double std, long... shape) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * generator.nextGaussian());
        }
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    /** Uniform samples in [low, high) of the given float dtype. */
    public static synchronized INDArray uniform(double low, double high, DataType type, long... shape) {
        float[] v = new float[count(shape)];
        double span = high - low;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (low + span * generator.nextDouble());
        }
        INDArray a = Nd4j.createFromArray(v).reshape('c', shape);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    private static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Tensor.shapeString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot draw " + n + " random values at once (shape " + Tensor.shapeString(shape) + ")");
        }
        return (int) n;
    }
}
