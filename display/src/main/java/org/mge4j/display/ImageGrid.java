package org.mge4j.display;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Images of a tensor laid out in a grid, with optional captions, shown as one PNG. Made by {@link Images#grid}.
 *
 * <p>Layout: {@code (H, W)} is one grey image; {@code (C, H, W)} is one image when C is 1 (grey) or 3 (RGB), else
 * C grey images (channels, or a batch of grey images); {@code (N, C, H, W)} is N images when C is 1 or 3, else
 * one row of C grey images per sample (convolution filters of shape {@code (out, in, kh, kw)}).
 *
 * <p>Values: integer tensors are grey levels 0..255; float tensors within [0, 1] are scaled by 255, within
 * [0, 255] used as they are; anything else (normalised inputs, weights) is stretched from each image's minimum to
 * its maximum. {@link #range} fixes the mapping instead. Small images are enlarged without smoothing so pixels
 * stay visible.
 */
public final class ImageGrid implements Renderable {
    private static final int MIN_CELL = 64;

    private final Tensor tensor;
    private final List<String> labels;
    private int columns;
    private int scale;
    private int gap = 2;
    private int maxImages = 256;
    private double low = Double.NaN;
    private double high = Double.NaN;

    ImageGrid(Tensor tensor, List<String> labels) {
        long[] s = tensor.shape();
        if (s.length < 2 || s.length > 4) {
            throw new IllegalArgumentException("an image tensor has shape (H, W), (C, H, W) or (N, C, H, W); got "
                    + Tensor.shapeString(s) + (s.length == 1 ? ": reshape it first, e.g. x.reshape(28, 28)" : ""));
        }
        this.tensor = tensor;
        this.labels = labels;
        if (!labels.isEmpty() && labels.size() != imageCount()) {
            throw new IllegalArgumentException("got " + labels.size() + " labels for " + imageCount()
                    + " images of a tensor of shape " + Tensor.shapeString(s) + "; give one label per image");
        }
    }

    /** Number of images per row (default: 8, or the channel count for a channel grid). */
    public ImageGrid columns(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be positive, got " + columns);
        }
        this.columns = columns;
        return this;
    }

    /** Pixels per tensor element along each side (default: enough for cells of at least 64 pixels, at most 8). */
    public ImageGrid scale(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        this.scale = scale;
        return this;
    }

    /** Pixels between images (default 2). */
    public ImageGrid gap(int gap) {
        this.gap = Math.max(0, gap);
        return this;
    }

    /** Shows at most this many images (default 256); the text form says how many were left out. */
    public ImageGrid maxImages(int maxImages) {
        this.maxImages = Math.max(1, maxImages);
        return this;
    }

    /** Maps {@code low} to black and {@code high} to white for every image, instead of choosing automatically. */
    public ImageGrid range(double low, double high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("range needs low < high, got " + low + " and " + high);
        }
        this.low = low;
        this.high = high;
        return this;
    }

    private boolean colour() {
        long[] s = tensor.shape();
        return (s.length == 3 && s[0] == 3) || (s.length == 4 && s[1] == 3);
    }

    /** Images as the user counts them (labels go with these). */
    private int imageCount() {
        long[] s = tensor.shape();
        return switch (s.length) {
            case 2 -> 1;
            case 3 -> s[0] == 1 || s[0] == 3 ? 1 : (int) s[0];
            default -> (int) s[0];
        };
    }

    /** Channels drawn per image: 1 for grey or colour images, C for a channel grid. */
    private int channelsPerImage() {
        long[] s = tensor.shape();
        return s.length == 4 && s[1] != 1 && s[1] != 3 ? (int) s[1] : 1;
    }

    /** The grid as a picture. */
    public BufferedImage toBufferedImage() {
        long[] s = tensor.shape();
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        int images = Math.min(imageCount(), maxImages);
        int perImage = channelsPerImage();
        int cells = images * perImage;
        int cols = columns > 0 ? columns : perImage > 1 ? Math.min(perImage, 16) : Math.min(images, 8);
        int rows = (cells + cols - 1) / cols;
        int sc = scale > 0 ? scale : Math.max(1, Math.min(8, (MIN_CELL + Math.max(h, w) - 1) / Math.max(h, w)));
        int labelHeight = labels.isEmpty() ? 0 : 16;
        int cellW = w * sc;
        int cellH = h * sc + labelHeight;
        BufferedImage out = new BufferedImage(Math.max(1, cols * cellW + (cols - 1) * gap),
                Math.max(1, rows * cellH + (rows - 1) * gap), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            float[] v = values(images);
            int planes = colour() ? 3 : 1;
            int plane = h * w;
            double[] fixed = fixedRange(v);
            for (int c = 0; c < cells; c++) {
                int x = (c % cols) * (cellW + gap);
                int y = (c / cols) * (cellH + gap);
                int offset = c * planes * plane;
                BufferedImage cell = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                double[] r = fixed != null ? fixed : minMax(v, offset, planes * plane);
                int[] rgb = new int[plane];
                for (int i = 0; i < plane; i++) {
                    int grey = level(v[offset + i], r);
                    rgb[i] = planes == 1 ? grey * 0x010101
                            : (grey << 16) | (level(v[offset + plane + i], r) << 8) | level(v[offset + 2 * plane + i], r);
                }
                cell.setRGB(0, 0, w, h, rgb, 0, w);
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                g.drawImage(cell, x, y, cellW, h * sc, null);
                if (labelHeight > 0 && c % perImage == 0) {
                    caption(g, labels.get(c / perImage), x, y + h * sc, cellW * Math.min(perImage, cols), labelHeight);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void caption(Graphics2D g, String text, int x, int y, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(0x30, 0x30, 0x30));
        FontMetrics fm = g.getFontMetrics();
        String t = text;
        if (fm.stringWidth(t) > width - 2) {
            while (!t.isEmpty() && fm.stringWidth(t + "…") > width - 2) {
                t = t.substring(0, t.length() - 1);
            }
            t += "…";
        }
        g.drawString(t, x + Math.max(0, (width - fm.stringWidth(t)) / 2), y + height - 4);
    }

    /** The values of the first {@code images} images as floats, C-ordered. */
    private float[] values(int images) {
        INDArray nd = tensor.nd();
        long[] s = tensor.shape();
        boolean batched = s.length == 4 || (s.length == 3 && s[0] != 1 && s[0] != 3);
        if (batched && images < s[0]) {
            nd = nd.get(NDArrayIndex.interval(0, images));
        }
        DType d = tensor.dtype();
        INDArray f = d == DType.FLOAT32 ? nd.dup('c') : nd.castTo(DataType.FLOAT).dup('c');
        return f.data().asFloat();
    }

    /** The value range mapped to 0..255 for all images, or null when each image is stretched on its own. */
    private double[] fixedRange(float[] v) {
        if (!Double.isNaN(low)) {
            return new double[] {low, high};
        }
        if (!tensor.dtype().isFloating()) {
            return new double[] {0, 255};
        }
        double[] r = minMax(v, 0, v.length);
        if (r[0] >= 0 && r[1] <= 1) {
            return new double[] {0, 1};
        }
        if (r[0] >= 0 && r[1] <= 255) {
            return new double[] {0, 255};
        }
        return null;
    }

    private static double[] minMax(float[] v, int from, int n) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            if (Float.isFinite(v[i])) {
                lo = Math.min(lo, v[i]);
                hi = Math.max(hi, v[i]);
            }
        }
        return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
    }

    private static int level(float x, double[] range) {
        if (!Float.isFinite(x)) {
            return 0;
        }
        double span = range[1] - range[0];
        double t = span <= 0 ? 0.5 : (x - range[0]) / span;
        return (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
    }

    /** The grid as a PNG. */
    public Image toImage() {
        return Image.of(toBufferedImage());
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        MimeBundle.Builder b = MimeBundle.builder();
        String text = toString();
        if (context.wants(MimeBundle.IMAGE_PNG)) {
            Image img = toImage();
            b.put(MimeBundle.IMAGE_PNG, img.base64())
                    .metadata(MimeBundle.IMAGE_PNG, java.util.Map.of("width", img.width(), "height", img.height()));
            text = text.substring(0, text.length() - 1) + ", " + img.width() + "x" + img.height() + " PNG]";
        }
        return b.text(text).build();
    }

    /** {@code [image grid: 16 images (1, 28, 28): T-shirt/top, Trouser, ...]}. */
    @Override
    public String toString() {
        long[] s = tensor.shape();
        int n = imageCount();
        int shown = Math.min(n, maxImages);
        StringBuilder sb = new StringBuilder("[image grid: ").append(n).append(n == 1 ? " image" : " images");
        if (shown < n) {
            sb.append(" (").append(shown).append(" shown)");
        }
        long[] each = s.length == 4 ? new long[] {s[1], s[2], s[3]} : s.length == 3 && imageCount() > 1
                ? new long[] {s[1], s[2]} : s;
        sb.append(' ').append(Tensor.shapeString(each));
        if (!labels.isEmpty()) {
            List<String> first = labels.subList(0, Math.min(8, labels.size()));
            sb.append(": ").append(String.join(", ", first)).append(labels.size() > 8 ? ", ..." : "");
        }
        return sb.append(']').toString();
    }
}
