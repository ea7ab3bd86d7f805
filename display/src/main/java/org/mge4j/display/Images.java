package org.mge4j.display;

import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;

/**
 * Pictures of tensors: {@code Images.grid(batch.data(), labels)} for a batch of Fashion-MNIST samples,
 * {@code Images.grid(model.conv1.weight)} for convolution filters, {@code Images.of(x)} for one image.
 * Tensors are laid out as MegEngine does: {@code (H, W)}, {@code (C, H, W)} or {@code (N, C, H, W)}; see
 * {@link ImageGrid} for how values become grey levels and colours.
 */
public final class Images {
    private Images() {
    }

    /** A grid of the images in a tensor, with no labels. */
    public static ImageGrid grid(Tensor images) {
        return new ImageGrid(images, List.of());
    }

    /**
     * A grid of the images in a tensor with a caption under each: one label per image ({@code N} of an
     * {@code (N, C, H, W)} batch).
     *
     * @throws IllegalArgumentException when the number of labels differs from the number of images
     */
    public static ImageGrid grid(Tensor images, String... labels) {
        return new ImageGrid(images, List.of(labels));
    }

    /** A grid with one label per image. */
    public static ImageGrid grid(Tensor images, List<String> labels) {
        return new ImageGrid(images, List.copyOf(labels));
    }

    /**
     * A grid captioned with class names: {@code classes.get(labels[i])} under image {@code i}, as in
     * {@code Images.grid(batch.data(), batch.label(), FashionMnist.CLASSES)}.
     *
     * @throws IllegalArgumentException when a label is not an index into {@code classes}
     */
    public static ImageGrid grid(Tensor images, Tensor labels, List<String> classes) {
        List<String> names = new ArrayList<>();
        for (long l : labels.astype("int64").toLongArray()) {
            if (l < 0 || l >= classes.size()) {
                throw new IllegalArgumentException("label " + l + " is not an index into the " + classes.size()
                        + " class names");
            }
            names.add(classes.get((int) l));
        }
        return new ImageGrid(images, names);
    }

    /** One image: {@code (H, W)} grey, {@code (1, H, W)} grey or {@code (3, H, W)} colour, as a PNG. */
    public static Image of(Tensor image) {
        long[] s = image.shape();
        boolean single = s.length == 2 || (s.length == 3 && (s[0] == 1 || s[0] == 3));
        if (!single) {
            throw new IllegalArgumentException("Images.of takes one image of shape (H, W), (1, H, W) or (3, H, W), "
                    + "got " + Tensor.shapeString(s) + "; use Images.grid for several");
        }
        return new ImageGrid(image, List.of()).scale(1).gap(0).toImage();
    }
}
