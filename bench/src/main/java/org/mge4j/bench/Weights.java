package org.mge4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The ConvNet's parameters in PyTorch layout (conv weight (out,in,kh,kw), conv bias (out), linear weight
 * (out,in), linear bias (out)), so that every engine can start from the same values for the loss cross-check.
 * File format: the tensors of {@link #SHAPES} in order, raw little-endian float32.
 */
public final class Weights {
    /** Parameter names and PyTorch shapes, in file order. */
    public static final Map<String, int[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("conv1.weight", new int[] {10, 1, 5, 5});
        SHAPES.put("conv1.bias", new int[] {10});
        SHAPES.put("conv2.weight", new int[] {20, 10, 5, 5});
        SHAPES.put("conv2.bias", new int[] {20});
        SHAPES.put("fc1.weight", new int[] {50, 320});
        SHAPES.put("fc1.bias", new int[] {50});
        SHAPES.put("fc2.weight", new int[] {10, 50});
        SHAPES.put("fc2.bias", new int[] {10});
    }

    private final Map<String, float[]> values;

    private Weights(Map<String, float[]> values) {
        this.values = values;
    }

    /** The values of one parameter, flattened in C order. */
    public float[] get(String name) {
        return values.get(name);
    }

    /** MegEngine-style init: weights normal with std sqrt(1/fan_in); biases small normals, to exercise them. */
    public static Weights random(long seed) {
        Random r = new Random(seed);
        Map<String, float[]> v = new LinkedHashMap<>();
        for (var e : SHAPES.entrySet()) {
            int[] s = e.getValue();
            float[] a = new float[size(s)];
            double std = s.length == 1 ? 0.1 : Math.sqrt(1.0 / (a.length / s[0]));
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() * std);
            }
            v.put(e.getKey(), a);
        }
        return new Weights(v);
    }

    public void write(Path file) throws IOException {
        int total = SHAPES.values().stream().mapToInt(Weights::size).sum();
        ByteBuffer b = ByteBuffer.allocate(total * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] a : values.values()) {
            b.asFloatBuffer().put(a);
            b.position(b.position() + a.length * 4);
        }
        Files.write(file, b.array());
    }

    public static Weights read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> v = new LinkedHashMap<>();
        for (var e : SHAPES.entrySet()) {
            float[] a = new float[size(e.getValue())];
            b.asFloatBuffer().get(a);
            b.position(b.position() + a.length * 4);
            v.put(e.getKey(), a);
        }
        return new Weights(v);
    }

    /** Number of elements of a shape. */
    public static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
