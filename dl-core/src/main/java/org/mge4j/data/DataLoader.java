package org.mge4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.mge4j.DType;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Iterates over a dataset in batches, as MegEngine's {@code DataLoader} with a {@code SequentialSampler} or
 * {@code RandomSampler}. Each {@code for} loop over the loader is one epoch; with {@code shuffle} every epoch
 * draws a new permutation from the loader's own generator, so the sequence of epochs is the same for the same
 * seed and differs from epoch to epoch.
 *
 * <pre>{@code
 * var train = FashionMnist.train();
 * var loader = DataLoader.builder(train).batchSize(64).shuffle(true).seed(42)
 *         .transform(new Compose(new Pad(2), new Normalize(0.1307 * 255, 0.3081 * 255))).build();
 * for (Batch b : loader) { ... b.data() is (64, 1, 32, 32) float32, b.label() is (64,) int32 ... }
 * }</pre>
 *
 * <p>Batches of an {@link ArrayDataset} are gathered natively in one copy; other datasets are read sample by
 * sample and stacked. The transform runs on each whole batch.
 */
public final class DataLoader implements Iterable<Batch> {
    private final Dataset<Sample> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Transform transform;
    private final Random random;
    private int epoch;

    /** Batches in order, the last one possibly smaller. */
    public DataLoader(Dataset<Sample> dataset, int batchSize) {
        this(builder(dataset).batchSize(batchSize));
    }

    /** Batches, shuffled with a seed drawn from {@link Mge#random()} when {@code shuffle}. */
    public DataLoader(Dataset<Sample> dataset, int batchSize, boolean shuffle, boolean dropLast) {
        this(builder(dataset).batchSize(batchSize).shuffle(shuffle).dropLast(dropLast));
    }

    /** Batches, shuffled with the given seed when {@code shuffle}. */
    public DataLoader(Dataset<Sample> dataset, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this(builder(dataset).batchSize(batchSize).shuffle(shuffle).dropLast(dropLast).seed(seed));
    }

    private DataLoader(Builder b) {
        if (b.dataset == null) {
            throw new IllegalArgumentException("DataLoader needs a dataset, got null");
        }
        if (b.batchSize <= 0) {
            throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size=" + b.batchSize);
        }
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.transform = b.transform;
        this.random = new Random(b.seed != null ? b.seed : Mge.random().nextLong());
    }

    /** A builder with batch size 1, no shuffle, no drop-last, no transform. */
    public static Builder builder(Dataset<Sample> dataset) {
        return new Builder(dataset);
    }

    /** The number of batches per epoch: {@code size / batchSize}, rounded up unless the last batch is dropped. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset this loader reads. */
    public Dataset<Sample> dataset() {
        return dataset;
    }

    /** The batch size. */
    public int batchSize() {
        return batchSize;
    }

    /** How many epochs have been started (iterators created). */
    public int epochsStarted() {
        return epoch;
    }

    /** One epoch: a new order when shuffling. */
    @Override
    public Iterator<Batch> iterator() {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        epoch++;
        int batches = numBatches();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the epoch has " + batches + " batches");
                }
                int from = next * batchSize;
                int to = Math.min(from + batchSize, n);
                next++;
                int[] idx = new int[to - from];
                System.arraycopy(order, from, idx, 0, idx.length);
                return load(idx);
            }
        };
    }

    private Batch load(int[] idx) {
        Batch raw;
        if (dataset instanceof ArrayDataset array) {
            raw = array.batch(idx);
        } else {
            INDArray[] xs = new INDArray[idx.length];
            INDArray[] ys = new INDArray[idx.length];
            for (int i = 0; i < idx.length; i++) {
                Sample s = dataset.get(idx[i]);
                xs[i] = s.data().nd();
                ys[i] = s.label().nd().castTo(DataType.INT).reshape();
            }
            raw = new Batch(Tensor.wrap(Nd4j.stack(0, xs)), Tensor.wrap(Nd4j.stack(0, ys)));
        }
        Tensor data = transform == null ? raw.data() : transform.apply(raw.data());
        Tensor label = raw.label().dtype() == DType.INT32 ? raw.label() : raw.label().astype(DType.INT32);
        return new Batch(data, label);
    }

    /** {@code DataLoader(batchSize=64, shuffle=true, dropLast=false, batches=938)}. */
    @Override
    public String toString() {
        return "DataLoader(batchSize=" + batchSize + ", shuffle=" + shuffle + ", dropLast=" + dropLast
                + ", batches=" + numBatches() + (transform == null ? "" : ", transform=" + transform) + ")";
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset<Sample> dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private Long seed;
        private Transform transform;

        private Builder(Dataset<Sample> dataset) {
            this.dataset = dataset;
        }

        /** Samples per batch (default 1). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits the samples in a new random order (default false). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Whether a last batch smaller than the batch size is left out (default false). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** The seed of the shuffling generator (default: drawn from {@link Mge#random()}, so {@code Mge.seed} fixes it). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The transform applied to each batch's data (default none). */
        public Builder transform(Transform transform) {
            this.transform = transform;
            return this;
        }

        /**
         * The loader.
         *
         * @throws IllegalArgumentException when the batch size is not positive
         */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
