package org.mge4j.serialization;

/**
 * How {@code Mge.save} writes: the format (else the extension decides), the pickle protocol (2 to 5, default 4
 * as in MegEngine), whether a pickle gets a checksum trailer (default yes) and an optional {@link Codec}.
 * Immutable; build with {@link #builder()}.
 *
 * <pre>{@code Mge.save(model.stateDict(), "net.pkl", SaveOptions.builder().pickleProtocol(2).build());}</pre>
 */
public final class SaveOptions {
    /** The pickle protocol Python 3.8-3.13 and MegEngine use by default. */
    public static final int DEFAULT_PROTOCOL = 4;
    private static final SaveOptions DEFAULTS = builder().build();

    private final Format format;
    private final int pickleProtocol;
    private final Codec codec;
    private final boolean checksums;

    private SaveOptions(Builder b) {
        this.format = b.format;
        this.pickleProtocol = b.pickleProtocol;
        this.codec = b.codec;
        this.checksums = b.checksums;
    }

    /** The defaults: format by extension, pickle protocol 4, checksums on. */
    public static SaveOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.format = format;
        b.pickleProtocol = pickleProtocol;
        b.codec = codec;
        b.checksums = checksums;
        return b;
    }

    /** The format asked for, or null to follow the file extension. */
    public Format format() {
        return format;
    }

    /** The pickle protocol, 2 to 5. */
    public int pickleProtocol() {
        return pickleProtocol;
    }

    /** The codec that replaces the built-in formats, or null. */
    public Codec codec() {
        return codec;
    }

    /** True when a pickle gets a checksum trailer (see {@link Builder#checksums(boolean)}). */
    public boolean checksums() {
        return checksums;
    }

    /** Builds {@link SaveOptions}. */
    public static final class Builder {
        private Format format;
        private int pickleProtocol = DEFAULT_PROTOCOL;
        private Codec codec;
        private boolean checksums = true;

        private Builder() {
        }

        /** Writes this format whatever the file extension says. */
        public Builder format(Format format) {
            this.format = format;
            return this;
        }

        /**
         * The pickle protocol (MegEngine's {@code pickle_protocol}): 2, 3, 4 or 5.
         *
         * @throws IllegalArgumentException for any other number
         */
        public Builder pickleProtocol(int protocol) {
            if (protocol < 2 || protocol > 5) {
                throw new IllegalArgumentException("pickle protocol must be 2, 3, 4 or 5, got " + protocol
                        + " (protocols 0 and 1 cannot hold numpy arrays efficiently; 4 is the default)");
            }
            this.pickleProtocol = protocol;
            return this;
        }

        /** Writes with this codec instead of the built-in formats (MegEngine's {@code pickle_module}). */
        public Builder codec(Codec codec) {
            this.codec = codec;
            return this;
        }

        /**
         * Whether a pickle ({@code .pkl}) gets a checksum trailer after its STOP opcode (default true): a CRC32C of
         * each tensor's data and of the whole pickle, checked by {@code Mge.load}, so that a corrupted or truncated
         * file is refused instead of loading wrong numbers. Python's {@code pickle.load}, numpy and MegEngine ignore
         * the trailer. Turn it off only to get byte-for-byte what Python's {@code pickle.dump} would write. The byte
         * layout is in README.md ("{@code .pkl} checksums") and on {@code org.mge4j.serialization.pickle.ChecksumTrailer}.
         */
        public Builder checksums(boolean checksums) {
            this.checksums = checksums;
            return this;
        }

        /** The immutable options. */
        public SaveOptions build() {
            return new SaveOptions(this);
        }
    }
}
