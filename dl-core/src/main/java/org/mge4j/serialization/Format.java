package org.mge4j.serialization;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats {@code Mge.save} and {@code Mge.load} know, chosen by extension or by {@link SaveOptions}. */
public enum Format {
    /** Python pickle ({@code .pkl}): any graph of maps, lists, tuples, numbers, strings and tensors. */
    PICKLE,
    /** safetensors ({@code .safetensors}): a flat map of names to tensors. */
    SAFETENSORS,
    /** numpy {@code .npy}: one array. */
    NPY,
    /** numpy {@code .npz}: a zip of named arrays. */
    NPZ,
    /** PyTorch {@code torch.save} zip ({@code .pt}, {@code .pth}). */
    TORCH;

    /**
     * The format a path's extension names; {@link #PICKLE} for {@code .pkl}, {@code .pickle} and any extension
     * mge4j does not know, as MegEngine pickles whatever the name.
     */
    public static Format ofPath(Path path) {
        Path name = path.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) {
            return SAFETENSORS;
        }
        if (n.endsWith(".npy")) {
            return NPY;
        }
        if (n.endsWith(".npz")) {
            return NPZ;
        }
        if (n.endsWith(".pt") || n.endsWith(".pth")) {
            return TORCH;
        }
        return PICKLE;
    }
}
