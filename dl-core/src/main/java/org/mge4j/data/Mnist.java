package org.mge4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MNIST-layout datasets (MNIST, Fashion-MNIST) read from the four IDX files of a folder:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each plain or with {@code .gz}. The result is an {@link ArrayDataset} of uint8
 * images of shape {@code (N, 1, 28, 28)} (channels first, values 0..255 as MegEngine's {@code MNIST} dataset
 * gives them) and int32 labels 0..9.
 *
 * <pre>{@code
 * var train = Mnist.train(Path.of("/data/mnist"));   // 60000 images
 * var test = Mnist.test(Path.of("/data/mnist"));     // 10000 images
 * }</pre>
 * For Fashion-MNIST from the Debian package, see {@link FashionMnist}.
 */
public final class Mnist {
    private Mnist() {
    }

    /** The 60,000 training samples of the MNIST-layout files in {@code folder}. */
    public static ArrayDataset train(Path folder) {
        return load(folder, "train", "MNIST", howToGetMnist(folder));
    }

    /** The 10,000 test samples of the MNIST-layout files in {@code folder}. */
    public static ArrayDataset test(Path folder) {
        return load(folder, "t10k", "MNIST", howToGetMnist(folder));
    }

    private static String howToGetMnist(Path folder) {
        return "Put the MNIST files in " + folder + ": " + String.join(", ", expectedNames()) + " (gzipped or not)."
                + " For Fashion-MNIST, `sudo apt-get install dataset-fashion-mnist` and use FashionMnist.train()";
    }

    static List<String> expectedNames() {
        return List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    }

    /** Reads {@code <split>-images-idx3-ubyte} and {@code <split>-labels-idx1-ubyte} and checks they belong together. */
    static ArrayDataset load(Path folder, String split, String datasetName, String howToGet) {
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(datasetName + " not found: the folder " + folder + " does not exist. " + howToGet);
        }
        Path images = find(folder, split + "-images", "idx3-ubyte");
        Path labels = find(folder, split + "-labels", "idx1-ubyte");
        List<String> missing = new ArrayList<>();
        if (images == null) {
            missing.add(split + "-images-idx3-ubyte(.gz)");
        }
        if (labels == null) {
            missing.add(split + "-labels-idx1-ubyte(.gz)");
        }
        if (!missing.isEmpty()) {
            throw new DatasetException(datasetName + " files missing in " + folder + ": " + String.join(", ", missing) + ". " + howToGet);
        }
        Tensor x = Idx.read(images);
        Tensor y = Idx.read(labels);
        long[] xs = x.shape();
        if (xs.length != 3) {
            throw new DatasetException(images + " should hold images (N, rows, columns), but has shape " + Tensor.shapeString(xs));
        }
        if (y.ndim() != 1 || y.shape(0) != xs[0]) {
            throw new DatasetException(labels + " has shape " + Tensor.shapeString(y.shape()) + " but " + images + " holds "
                    + xs[0] + " images; the files do not belong together");
        }
        INDArray lab = y.nd().castTo(DataType.INT);
        if (lab.length() > 0 && lab.maxNumber().intValue() > 9) {
            throw new DatasetException(labels + " has a label " + lab.maxNumber().intValue() + "; MNIST-layout labels are 0..9");
        }
        Tensor data = Tensor.wrap(x.nd().reshape('c', xs[0], 1, xs[1], xs[2]));
        return new ArrayDataset(data, Tensor.wrap(lab).astype(DType.INT32));
    }

    private static Path find(Path folder, String stem, String kind) {
        for (String name : List.of(stem + "-" + kind + ".gz", stem + "-" + kind, stem + "." + kind + ".gz", stem + "." + kind)) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
