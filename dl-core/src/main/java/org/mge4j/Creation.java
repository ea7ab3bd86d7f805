package org.mge4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ND4J side of Tensor's factory methods; random draws come from {@link RandomState}, which {@link Mge#seed} seeds. */
final class Creation {
    private Creation() {
    }

    static INDArray full(long[] shape, double value, DType dtype) {
        checkShape(shape);
        INDArray a = Nd4j.valueArrayOf(shape, value, DataType.DOUBLE);
        return a.castTo(dtype.nd4j());
    }

    static INDArray arange(double start, double stop, double step, DType dtype) {
        if (step == 0) {
            throw new IllegalArgumentException("arange step must not be zero");
        }
        long n = Math.max(0, (long) Math.ceil((stop - start) / step));
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = start + i * step;
        }
        return Nd4j.createFromArray(v).castTo(dtype.nd4j());
    }

    static INDArray linspace(double start, double stop, int num) {
        if (num < 0) {
            throw new IllegalArgumentException("linspace num must be non-negative, got " + num);
        }
        double[] v = new double[num];
        for (int i = 0; i < num; i++) {
            v[i] = num == 1 ? start : start + (stop - start) * i / (num - 1);
        }
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }

    static INDArray normal(double mean, double std, long[] shape) {
        checkShape(shape);
        return RandomState.normal(mean, std, shape);
    }

    static INDArray uniform(double low, double high, long[] shape) {
        checkShape(shape);
        if (!(high > low)) {
            throw new IllegalArgumentException("uniform needs low < high, got low=" + low + ", high=" + high);
        }
        return RandomState.uniform(low, high, DataType.FLOAT, shape);
    }

    private static void checkShape(long[] shape) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Tensor.shapeString(shape));
            }
        }
    }
}
