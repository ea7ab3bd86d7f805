package org.mge4j.serialization.pickle;

import org.mge4j.Tensor;
import org.mge4j.serialization.PyTuple;
import org.mge4j.serialization.numpy.NumpyDtype;

/**
 * Objects under construction while a pickle is read: the value a Python constructor returned before
 * {@code BUILD} gave it its state. They never escape the reader; {@link Resolver} replaces them.
 */
final class Pending {
    private Pending() {
    }

    /** A global accepted by {@link SafeGlobals}; it is a name only, nothing is imported or run. */
    record GlobalRef(String module, String name) {
        String full() {
            return module + "." + name;
        }

        @Override
        public String toString() {
            return full();
        }
    }

    /** {@code numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')}: an array waiting for its state. */
    static final class Array {
        Tensor value;
    }

    /** A {@code numpy.dtype}; its byte order arrives with {@code BUILD}. */
    static final class Dtype {
        NumpyDtype dtype;

        Dtype(NumpyDtype dtype) {
            this.dtype = dtype;
        }
    }

    /** A {@code megengine.tensor.Tensor} or {@code Parameter} from {@code NEWOBJ}, maybe filled by {@code BUILD}. */
    static final class MgeTensor {
        final boolean parameter;
        Object data;
        String device;
        String name;

        MgeTensor(boolean parameter) {
            this.parameter = parameter;
        }
    }

    /** An object of a class the caller trusted: kept as data. */
    static final class TrustedObject {
        final String global;
        final PyTuple args;
        Object state;

        TrustedObject(String global, PyTuple args) {
            this.global = global;
            this.args = args;
        }
    }

    /**
     * A global outside the allowlist under {@code LoadOptions.inertGlobals}, or the would-be result of calling or
     * building one: a name and the data the pickle gave it, nothing imported or run.
     */
    static final class Inert {
        final String name;
        final Inert callee;
        final PyTuple args;
        Object state;

        Inert(String name, Inert callee, PyTuple args) {
            this.name = name;
            this.callee = callee;
            this.args = args;
        }

        /** The name, so that an error about where a placeholder turned up (a torch storage class) says which global. */
        @Override
        public String toString() {
            return name;
        }

        /** REDUCE or NEWOBJ on this: another placeholder, named after the call (one "(...)" however deep the chain). */
        Inert call(PyTuple callArgs) {
            if (args == null) {
                return new Inert(name, null, callArgs);
            }
            return new Inert(name.endsWith("(...)") ? name : name + "(...)", this, callArgs);
        }
    }
}
