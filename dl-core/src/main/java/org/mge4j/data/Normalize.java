package org.mge4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code (x - mean) / std}, per channel or for all values, giving float32, as MegEngine's {@code T.Normalize}.
 *
 * <p>Like MegEngine, it works on the values it is given: on raw 0..255 pixels (MegEngine's quick-start uses
 * {@code new Normalize(0.1307 * 255, 0.3081 * 255)}), or on [0, 1] values after {@link ToTensor}
 * ({@code new Normalize(0.1307, 0.3081)}); both give the same result.
 */
public final class Normalize implements Transform {
    private final double[] mean;
    private final double[] std;

    /** The same mean and standard deviation for every channel. */
    public Normalize(double mean, double std) {
        this(new double[] {mean}, new double[] {std});
    }

    /**
     * One mean and standard deviation per channel (axis -3 of {@code (C, H, W)} or {@code (N, C, H, W)}).
     *
     * @throws IllegalArgumentException when the lengths differ or a std is 0
     */
    public Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize needs as many means as standard deviations (one, or one per channel), got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (double s : std) {
            if (s == 0) {
                throw new IllegalArgumentException("Normalize would divide by zero: std " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public Tensor apply(Tensor input) {
        INDArray x = input.nd();
        long c = mean.length;
        if (c > 1 && (x.rank() < 3 || x.size(x.rank() - 3) != c)) {
            throw new IllegalArgumentException("Normalize has " + c + " channels but the input of shape "
                    + Tensor.shapeString(x.shape()) + " has no channel axis of that size at position -3 (C, H, W)");
        }
        long plane = c == 1 ? Math.max(1, x.length()) : x.size(x.rank() - 1) * x.size(x.rank() - 2);
        // computed in double and rounded once to float32, in one pass over the raw buffer
        INDArray src = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        int n = Math.toIntExact(src.length());
        float[] out = new float[n];
        ByteBuffer raw = src.data().asNio().order(ByteOrder.nativeOrder());
        switch (src.dataType()) {
            case UBYTE -> {
                for (int i = 0; i < n; i++) {
                    int ch = c == 1 ? 0 : (int) ((i / plane) % c);
                    out[i] = (float) (((raw.get(i) & 0xff) - mean[ch]) / std[ch]);
                }
            }
            case FLOAT -> {
                FloatBuffer f = raw.asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    int ch = c == 1 ? 0 : (int) ((i / plane) % c);
                    out[i] = (float) ((f.get(i) - mean[ch]) / std[ch]);
                }
            }
            default -> {
                double[] v = src.data().asDouble();
                for (int i = 0; i < n; i++) {
                    int ch = c == 1 ? 0 : (int) ((i / plane) % c);
                    out[i] = (float) ((v[i] - mean[ch]) / std[ch]);
                }
            }
        }
        return Tensor.wrap(Nd4j.createFromArray(out).reshape('c', x.shape()));
    }

    /** {@code Normalize(mean=[...], std=[...])}. */
    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
