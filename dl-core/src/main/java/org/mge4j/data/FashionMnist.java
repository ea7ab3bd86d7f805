package org.mge4j.data;

import java.nio.file.Path;

/**
 * Fashion-MNIST (Zalando's 28x28 grey images of 10 kinds of clothing), read from the Debian package
 * {@code dataset-fashion-mnist} at {@link #DEFAULT_FOLDER} or from a folder with the same four files.
 * Samples are uint8 {@code (1, 28, 28)} images with int32 labels 0..9, see {@link Mnist}.
 *
 * <pre>{@code
 * var train = FashionMnist.train();   // 60000 samples
 * var test = FashionMnist.test();     // 10000 samples
 * }</pre>
 */
public final class FashionMnist {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final java.util.List<String> CLASSES = java.util.List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** The 60,000 training samples from {@link #DEFAULT_FOLDER}. */
    public static ArrayDataset train() {
        return train(DEFAULT_FOLDER);
    }

    /** The 10,000 test samples from {@link #DEFAULT_FOLDER}. */
    public static ArrayDataset test() {
        return test(DEFAULT_FOLDER);
    }

    /** The training samples from {@code folder}. */
    public static ArrayDataset train(Path folder) {
        return Mnist.load(folder, "train", "Fashion-MNIST", howToGet(folder));
    }

    /** The test samples from {@code folder}. */
    public static ArrayDataset test(Path folder) {
        return Mnist.load(folder, "t10k", "Fashion-MNIST", howToGet(folder));
    }

    /** Whether the Debian package's files are installed. */
    public static boolean isInstalled() {
        return java.nio.file.Files.isDirectory(DEFAULT_FOLDER);
    }

    private static String howToGet(Path folder) {
        return "Install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; files go to " + DEFAULT_FOLDER
                + "), or download the four files from https://github.com/zalandoresearch/fashion-mnist and pass their folder, "
                + "e.g. FashionMnist.train(Path.of(\"data/fashion\")). The folder " + folder + " must hold "
                + String.join(", ", Mnist.expectedNames()) + " (gzipped or not)";
    }
}
