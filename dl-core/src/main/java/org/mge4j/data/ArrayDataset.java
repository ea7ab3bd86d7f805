package org.mge4j.data;

import java.nio.ByteBuffer;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dataset held in two tensors whose first axis indexes the samples, as MegEngine's {@code ArrayDataset}:
 * {@code data} of shape {@code (N, ...)} and {@code label} of shape {@code (N,)}. Labels are kept as int32.
 *
 * <p>The tensors are shared with the caller, not copied (as in MegEngine). A {@link DataLoader} reads batches
 * from it with one native gather per batch instead of one copy per sample.
 */
public final class ArrayDataset implements Dataset<Sample> {
    private final Tensor data;
    private final Tensor label;

    /**
     * A dataset over {@code data} and {@code label}.
     *
     * @throws IllegalArgumentException when the first axes differ, data is 0-d, label is not 1-d, or label is not
     *                                  an integer tensor
     */
    public ArrayDataset(Tensor data, Tensor label) {
        if (data.ndim() < 1) {
            throw new IllegalArgumentException("ArrayDataset data needs a first axis that indexes samples, got shape "
                    + Tensor.shapeString(data.shape()));
        }
        if (label.ndim() != 1 || label.shape(0) != data.shape(0)) {
            throw new IllegalArgumentException("ArrayDataset label must have shape (" + data.shape(0) + ",) to match data of shape "
                    + Tensor.shapeString(data.shape()) + ", got " + Tensor.shapeString(label.shape()));
        }
        if (!label.dtype().isInteger()) {
            throw new IllegalArgumentException("ArrayDataset labels must be integer class indices, got dtype " + label.dtype()
                    + "; convert with label.astype(DType.INT32)");
        }
        // shared, as MegEngine's ArrayDataset shares its arrays; copied only when the batch gather needs contiguous rows
        this.data = contiguous(data);
        this.label = contiguous(label.dtype() == DType.INT32 ? label : label.astype(DType.INT32));
    }

    private static Tensor contiguous(Tensor t) {
        INDArray a = t.nd();
        return a.ordering() == 'c' && !a.isView() ? Tensor.wrap(a) : Tensor.wrap(a.dup('c'));
    }

    /** All inputs, shape {@code (N, ...)}. */
    public Tensor data() {
        return data;
    }

    /** All labels, int32 of shape {@code (N,)}. */
    public Tensor label() {
        return label;
    }

    @Override
    public int size() {
        return (int) data.shape(0);
    }

    @Override
    public Sample get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for a dataset of " + size() + " samples");
        }
        return new Sample(Tensor.wrap(data.nd().slice(index).dup()), Tensor.wrap(label.nd().getScalar(index).dup().reshape()));
    }

    /** The samples at {@code indices}, stacked: data {@code (B, ...)} and labels {@code (B,)}. */
    public Batch batch(int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= size()) {
                throw new IndexOutOfBoundsException("index " + i + " is out of range for a dataset of " + size() + " samples");
            }
        }
        return new Batch(Tensor.wrap(gather(data.nd(), indices)), Tensor.wrap(gather(label.nd(), indices)));
    }

    // Row copies between the raw buffers: the source is contiguous (see the constructor), a row is one memcpy,
    // and this avoids a native op dispatch per batch, which costs more than copying a batch of small images.
    private static INDArray gather(INDArray source, int[] indices) {
        long[] out = source.shape().clone();
        out[0] = indices.length;
        INDArray result = Nd4j.create(source.dataType(), out, 'c');
        if (indices.length == 0 || result.length() == 0) {
            return result;
        }
        int rowBytes = Math.toIntExact(source.length() / source.size(0) * source.dataType().width());
        ByteBuffer from = source.data().asNio();
        ByteBuffer to = result.data().asNio();
        for (int k = 0; k < indices.length; k++) {
            to.put(k * rowBytes, from, Math.toIntExact((long) indices[k] * rowBytes), rowBytes);
        }
        return result;
    }

    @Override
    public String toString() {
        return "ArrayDataset(data=" + Tensor.shapeString(data.shape()) + " " + data.dtype() + ", label="
                + Tensor.shapeString(label.shape()) + " " + label.dtype() + ")";
    }
}
