package org.mge4j.data;

/**
 * A collection of samples that can be read by index, as MegEngine's map-style {@code Dataset}: a
 * {@link DataLoader} draws indices from {@code 0} to {@code size() - 1} and asks for each sample.
 *
 * @param <T> the type of one sample, for example {@link Sample} (an image and its label)
 */
public interface Dataset<T> {
    /**
     * The sample at {@code index}.
     *
     * @throws IndexOutOfBoundsException when {@code index} is not in {@code [0, size())}
     */
    T get(int index);

    /** The number of samples. */
    int size();
}
