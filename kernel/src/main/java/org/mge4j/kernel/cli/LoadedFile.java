package org.mge4j.kernel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mge4j.serialization.Format;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.RefusedGlobalException;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.Serializer;
import org.mge4j.serialization.numpy.NpyFormat;
import org.mge4j.serialization.numpy.NpzFormat;
import org.mge4j.serialization.pickle.Unpickler;
import org.mge4j.serialization.safetensors.Safetensors;
import org.mge4j.serialization.torch.TorchZip;

/**
 * A file read the way {@code Mge.load} reads it (format from a tensor-file extension, else from the first bytes),
 * keeping what the tools show besides the object: the format, the size and a safetensors file's metadata.
 *
 * @param path     the file
 * @param format   the format it was read as
 * @param size     its size in bytes
 * @param root     what it holds (a map, a tensor, ...)
 * @param metadata the {@code __metadata__} of a safetensors file (empty for other formats)
 */
record LoadedFile(Path path, Format format, long size, Object root, Map<String, String> metadata) {
    private static final long MAX_FILE = Integer.MAX_VALUE - 64;

    /** Reads {@code path} with {@code options} (their limits and trust; the format is detected here). */
    static LoadedFile read(Path path, LoadOptions options) {
        byte[] data;
        try {
            if (Files.isDirectory(path)) {
                throw new SerializationException(path + " is a folder, not a file");
            }
            long size = Files.size(path);
            if (size > MAX_FILE) {
                throw new SerializationException(path + " is " + size + " bytes; files over 2 GB are not supported yet");
            }
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new SerializationException("no such file: " + path);
        } catch (IOException e) {
            throw new SerializationException("could not read " + path + ": " + e.getMessage(), e);
        }
        Format format = Serializer.detect(path, data);
        String what = path.toString();
        try {
            return switch (format) {
                case SAFETENSORS -> {
                    Safetensors.Contents c = Safetensors.read(data, what);
                    yield new LoadedFile(path, format, data.length, c.tensors(), c.metadata());
                }
                case PICKLE -> new LoadedFile(path, format, data.length, Unpickler.load(data, options), Map.of());
                case TORCH -> new LoadedFile(path, format, data.length, TorchZip.read(data, options, what), Map.of());
                case NPY -> new LoadedFile(path, format, data.length, NpyFormat.read(data, 0, data.length, what), Map.of());
                case NPZ -> new LoadedFile(path, format, data.length, NpzFormat.read(data, what), Map.of());
                default -> throw new SerializationException(what + " is a " + name(format) + " file, which the file tools do not read");
            };
        } catch (RefusedGlobalException e) {
            throw e;
        } catch (SerializationException e) {
            // the pickle reader does not know the file's name; say which file the byte offsets are in
            String m = String.valueOf(e.getMessage());
            throw m.contains(what) ? e : new SerializationException(what + ": " + m, e);
        }
    }

    /** The format's short name as users type it: pickle, torch, safetensors, npy, npz. */
    static String name(Format f) {
        return f.name().toLowerCase(Locale.ROOT);
    }
}
