package org.mge4j;

import java.util.Random;

/**
 * The top-level functions of mge4j, as {@code megengine.*} in Python: {@link #seed}, and (as they arrive)
 * {@code save} and {@code load}.
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
}
