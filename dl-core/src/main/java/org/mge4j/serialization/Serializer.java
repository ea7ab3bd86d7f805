package org.mge4j.serialization;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.mge4j.serialization.pickle.PickleFile;

/**
 * What {@code Mge.save} and {@code Mge.load} do: pick the format (options, then extension, then the first bytes),
 * write crash-safely, read after checking the size, and answer the common mistakes with what to do.
 */
public final class Serializer {
    private static final int MAX_FILE = Integer.MAX_VALUE - 64;

    private Serializer() {
    }

    /** Saves {@code obj} to {@code path} in the format the options or the extension name, atomically. */
    public static void save(Object obj, Path path, SaveOptions options) {
        Codec codec = codec(options.codec(), options.format() != null ? options.format() : Format.ofPath(path));
        if (codec == PickleCodec.INSTANCE) {
            AtomicFiles.writeChannel(path, ch -> PickleCodec.INSTANCE.write(obj, ch, options));
        } else {
            AtomicFiles.write(path, out -> codec.write(obj, out, options));
        }
    }

    /** Saves {@code obj} to a stream (pickle unless the options say otherwise); the stream is not closed. */
    public static void save(Object obj, OutputStream out, SaveOptions options) {
        Codec codec = codec(options.codec(), options.format() != null ? options.format() : Format.PICKLE);
        try {
            codec.write(obj, out, options);
            out.flush();
        } catch (IOException e) {
            throw new SerializationException("could not write to the stream: " + e, e);
        }
    }

    /** Loads the object in {@code path}. */
    public static Object load(Path path, LoadOptions options) {
        if (options.codec() == null && (options.format() == Format.PICKLE
                || (options.format() == null && Format.ofPath(path) == Format.PICKLE && startsLikePickle(path)))) {
            return PickleFile.read(path, options); // verifies the checksum trailer; large tensors are read without copies
        }
        byte[] data;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE) {
                throw new SerializationException(path + " is " + size + " bytes; files over 2 GB are not supported yet (use .safetensors shards)");
            }
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new SerializationException("no such file: " + path.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new SerializationException("could not read " + path + ": " + e, e);
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (options.codec() == null && options.format() == null && name.endsWith(".mge") && !isPickle(data)) {
            throw new SerializationException(path + " is not a pickle: a .mge file written by TracedFunction.dump is a static graph. "
                    + "Load it with Jit.load(\"" + path + "\") and run it, instead of Mge.load");
        }
        if (options.codec() == null && options.format() == null && Format.ofPath(path) != Format.PICKLE
                && Format.ofPath(path) != Format.TORCH) {
            // the extension names a tensor format: its own checks give a precise error for a corrupt file
            return codec(null, Format.ofPath(path)).read(data, options);
        }
        return load(data, options, path.toString());
    }

    /** Loads the object in a stream (read to its end, not closed). */
    public static Object load(InputStream in, LoadOptions options) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            in.transferTo(buf);
        } catch (IOException e) {
            throw new SerializationException("could not read the stream: " + e, e);
        }
        return load(buf.toByteArray(), options, "the stream");
    }

    private static Object load(byte[] data, LoadOptions options, String what) {
        if (options.codec() != null) {
            return options.codec().read(data, options);
        }
        Format f = options.format() != null ? options.format() : sniff(data, what);
        return f == Format.PICKLE ? PickleFile.read(data, options, what) : codec(null, f).read(data, options);
    }

    /** True when the file starts as a pickle of protocol 2 to 5 does; false when it cannot be read (the caller says why). */
    private static boolean startsLikePickle(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return isPickle(in.readNBytes(2));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isPickle(byte[] d) {
        return d.length >= 2 && (d[0] & 0xFF) == 0x80 && d[1] >= 2 && d[1] <= 5;
    }

    /** PyTorch's pre-1.6 format: a pickle whose first value is the LONG1 magic number 0x1950a86a20f9469cfc6c. */
    private static final byte[] LEGACY_TORCH = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
            (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private static Format sniff(byte[] d, String what) {
        if (d.length >= LEGACY_TORCH.length && java.util.Arrays.equals(d, 0, LEGACY_TORCH.length, LEGACY_TORCH, 0, LEGACY_TORCH.length)) {
            throw new SerializationException(what + " is a legacy (pre-1.6) torch.save file, which mge4j refuses as "
                    + "torch.load(weights_only=True) does; load it in PyTorch and torch.save it again");
        }
        if (isPickle(d)) {
            return Format.PICKLE;
        }
        if (d.length >= 30 && d[0] == 'P' && d[1] == 'K') {
            // a zip: .npz entries are NAME.npy, torch.save entries live under one folder (archive/data.pkl)
            int nameLen = (d[26] & 0xFF) | (d[27] & 0xFF) << 8;
            String first = new String(d, 30, Math.min(nameLen, d.length - 30), java.nio.charset.StandardCharsets.ISO_8859_1);
            return first.endsWith(".npy") ? Format.NPZ : Format.TORCH;
        }
        if (d.length >= 6 && (d[0] & 0xFF) == 0x93 && d[1] == 'N' && d[2] == 'U' && d[3] == 'M' && d[4] == 'P' && d[5] == 'Y') {
            return Format.NPY;
        }
        if (d.length >= 9 && d[8] == '{') {
            return Format.SAFETENSORS;
        }
        throw new SerializationException(what + " is not a file Mge.load knows: expected a pickle (protocol 2-5), "
                + "a torch/npz zip, a .npy or a .safetensors file" + (d.length == 0 ? " (it is empty)" : ""));
    }

    /**
     * The format {@link #load(Path, LoadOptions)} reads {@code data}, the bytes of {@code path}, as when no format is
     * asked for: the one a tensor-file extension names ({@code .safetensors}, {@code .npy}, {@code .npz}), else the
     * one the first bytes show (pickle, torch or npz zip, npy, safetensors).
     *
     * @throws SerializationException when the bytes are none of these (or a legacy torch file)
     */
    public static Format detect(Path path, byte[] data) {
        Format byName = Format.ofPath(path);
        return byName != Format.PICKLE && byName != Format.TORCH ? byName : sniff(data, path.toString());
    }

    private static Codec codec(Codec custom, Format format) {
        if (custom != null) {
            return custom;
        }
        switch (format) {
            case PICKLE: return PickleCodec.INSTANCE;
            case NPY: return NumpyCodec.NPY;
            case NPZ: return NumpyCodec.NPZ;
            case SAFETENSORS: return SafetensorsCodec.INSTANCE;
            case TORCH: return TorchCodec.INSTANCE;
            default:
                throw new SerializationException("the " + format + " format is not implemented yet in mge4j; save and load "
                        + ".pkl, .safetensors, .npy or .npz files for now");
        }
    }
}
