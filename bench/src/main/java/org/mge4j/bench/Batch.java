package org.mge4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The fixed inputs every engine uses: a training batch x (64,1,28,28) with int labels (64), and an inference
 * input of batch 1 (the first image of x). File format: x as little-endian float32, then labels as int32.
 */
public final class Batch {
    public static final int N = 64;
    public static final int PIXELS = 28 * 28;

    public final float[] x;
    public final int[] labels;

    private Batch(float[] x, int[] labels) {
        this.x = x;
        this.labels = labels;
    }

    /** Standard-normal pixels and uniform labels in [0, 10). */
    public static Batch random(long seed) {
        Random r = new Random(seed);
        float[] x = new float[N * PIXELS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(10);
        }
        return new Batch(x, y);
    }

    /** The first {@code n} images, flattened NCHW. */
    public float[] images(int n) {
        return java.util.Arrays.copyOf(x, n * PIXELS);
    }

    /** Labels as one-hot rows (64,10), for engines that want them. */
    public float[] oneHot() {
        float[] o = new float[N * 10];
        for (int i = 0; i < N; i++) {
            o[i * 10 + labels[i]] = 1f;
        }
        return o;
    }

    public void write(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(x.length * 4 + N * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        b.position(x.length * 4);
        b.asIntBuffer().put(labels);
        Files.write(file, b.array());
    }

    public static Batch read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[N * PIXELS];
        b.asFloatBuffer().get(x);
        b.position(x.length * 4);
        int[] y = new int[N];
        b.asIntBuffer().get(y);
        return new Batch(x, y);
    }
}
