package org.mge4j;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.SaveOptions;
import org.mge4j.serialization.Serializer;

/**
 * The top-level functions of mge4j, as {@code megengine.*} in Python: {@link #seed}, {@link #save} and
 * {@link #load}.
 */
public final class Mge {
    private static volatile long seed = System.nanoTime();
    private static volatile Random random = new Random(seed);

    private Mge() {
    }

    /**
     * Seeds every random draw of mge4j (tensor creation, initialisation, dropout, data shuffling), like
     * {@code megengine.random.seed}.
     */
    public static void seed(long value) {
        Backend.init();
        seed = value;
        RandomState.seed(value);
        random = new Random(value);
    }

    /** The last seed set with {@link #seed}, or the start-up seed. */
    public static long currentSeed() {
        return seed;
    }

    /** A Java generator seeded from {@link #seed}, for draws made in Java (shuffling). */
    public static Random random() {
        return random;
    }

    /**
     * Saves an object graph (a state dict, an optimizer state dict, a checkpoint map; maps, lists, tuples, strings,
     * numbers, booleans, null and tensors) to {@code path}, like {@code megengine.save}. The extension picks the
     * format ({@code .pkl}, and any unknown extension, is a Python pickle of protocol 4 that Python with numpy
     * reads). The write is crash-safe: a reader sees the old file or the new one. A pickle ends with a CRC32C
     * trailer that {@link #load} verifies (Python ignores it; see {@code SaveOptions.Builder.checksums}).
     *
     * <p>A whole {@link org.mge4j.module.Module} can be saved too ({@code Mge.save(model, "model.pkl")}, the guide's
     * "not recommended" way): the file names the model's class and holds the train/eval mode of every submodule and
     * every parameter and buffer. Loading it needs the same class, trusted
     * ({@code LoadOptions.builder().trust(ConvNet.class)}), with a no-argument constructor that creates its layers;
     * a class without one, or a built-in layer on its own, is refused here. Prefer
     * {@code Mge.save(model.stateDict(), path)}: it needs no class to load.
     *
     * @throws org.mge4j.serialization.SerializationException when a value cannot be saved or the write fails
     */
    public static void save(Object obj, String path) {
        save(obj, Path.of(path), SaveOptions.defaults());
    }

    /** {@link #save(Object, String)} to a {@link Path}. */
    public static void save(Object obj, Path path) {
        save(obj, path, SaveOptions.defaults());
    }

    /** {@link #save(Object, String)} with options (format, pickle protocol, codec). */
    public static void save(Object obj, String path, SaveOptions options) {
        save(obj, Path.of(path), options);
    }

    /** {@link #save(Object, String)} to a {@link Path}, with options. */
    public static void save(Object obj, Path path, SaveOptions options) {
        Serializer.save(obj, path, options);
    }

    /** Saves to a stream (a pickle unless the options name a format); the stream stays open. */
    public static void save(Object obj, OutputStream out) {
        Serializer.save(obj, out, SaveOptions.defaults());
    }

    /** Saves to a stream with options; the stream stays open. */
    public static void save(Object obj, OutputStream out, SaveOptions options) {
        Serializer.save(obj, out, options);
    }

    /**
     * Loads what {@link #save} (or Python's {@code pickle.dump}, {@code megengine.save}) wrote, like
     * {@code megengine.load}. Safe for files from strangers: only the globals a state dict or checkpoint needs are
     * accepted, and nothing in the file can run code. numpy arrays load as {@link Tensor}s, dicts as ordered maps,
     * tuples as {@link org.mge4j.serialization.PyTuple}s.
     *
     * <pre>{@code model.loadStateDict(Mge.load("net.pkl"));}</pre>
     *
     * <p>A whole model ({@code Mge.save(model, path)}) is refused with a
     * {@link org.mge4j.serialization.RefusedGlobalException} unless its class is trusted, because loading it runs
     * the class's constructor: {@code (ConvNet) Mge.load(path, LoadOptions.builder().trust(ConvNet.class).build())}.
     * {@code LoadOptions.builder().modelsAsStateDicts()} loads its weights as a state dict instead, without the class.
     *
     * @throws org.mge4j.serialization.SerializationException when the file is corrupt, hostile or unsupported
     */
    public static Object load(String path) {
        return load(Path.of(path), LoadOptions.defaults());
    }

    /** {@link #load(String)} from a {@link Path}. */
    public static Object load(Path path) {
        return load(path, LoadOptions.defaults());
    }

    /** {@link #load(String)} with options (trusted globals, mapLocation, codec, limits). */
    public static Object load(String path, LoadOptions options) {
        return load(Path.of(path), options);
    }

    /**
     * {@link #load(String)} with every tensor on one device, MegEngine's {@code load(f, map_location="cpu0")}:
     * how a checkpoint saved on a GPU loads on a CPU-only machine.
     */
    public static Object load(String path, String mapLocation) {
        return load(Path.of(path), LoadOptions.builder().mapLocation(mapLocation).build());
    }

    /**
     * {@link #load(String)} with saved devices mapped by their first four characters, MegEngine's
     * {@code map_location={"gpu0": "cpu0"}}; devices not in the map stay where they were saved.
     */
    public static Object load(String path, Map<String, String> mapLocation) {
        return load(Path.of(path), LoadOptions.builder().mapLocation(mapLocation).build());
    }

    /**
     * {@link #load(String)} with each saved device name ({@code "gpu0:0"}) mapped by a function, MegEngine's
     * callable {@code map_location}: {@code Mge.load(path, dev -> dev.startsWith("gpu") ? "cpu0" : dev)}.
     */
    public static Object load(String path, UnaryOperator<String> mapLocation) {
        return load(Path.of(path), LoadOptions.builder().mapLocation(mapLocation).build());
    }

    /** {@link #load(String)} from a {@link Path}, with options. */
    public static Object load(Path path, LoadOptions options) {
        return Serializer.load(path, options);
    }

    /** Loads from a stream, read to its end (not closed). */
    public static Object load(InputStream in) {
        return Serializer.load(in, LoadOptions.defaults());
    }

    /** Loads from a stream with options. */
    public static Object load(InputStream in, LoadOptions options) {
        return Serializer.load(in, options);
    }
}
