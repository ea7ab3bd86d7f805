package org.mge4j.display;

import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * An encoded PNG or JPEG picture to show: {@code Image.of(bufferedImage)}, {@code Image.of(pngBytes)},
 * {@code Image.read(path)}. {@link Images#grid} makes one from tensors; charts make one with {@code png()}.
 */
public final class Image implements Renderable {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final byte[] bytes;
    private final String mimeType;
    private final int width;
    private final int height;

    private Image(byte[] bytes, String mimeType, int width, int height) {
        this.bytes = bytes;
        this.mimeType = mimeType;
        this.width = width;
        this.height = height;
    }

    /** A picture drawn in Java, encoded as PNG. */
    public static Image of(RenderedImage image) {
        Objects.requireNonNull(image, "image");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalArgumentException("no PNG writer for this image type");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Image(out.toByteArray(), MimeBundle.IMAGE_PNG, image.getWidth(), image.getHeight());
    }

    /**
     * PNG or JPEG bytes, recognised by their signature.
     *
     * @throws IllegalArgumentException for bytes that are neither, naming their first bytes
     */
    public static Image of(byte[] encoded) {
        String type = mimeTypeOf(encoded);
        if (type == null) {
            throw new IllegalArgumentException("not a PNG or JPEG image: the bytes start with " + head(encoded)
                    + "; decode other formats with ImageIO.read and pass the BufferedImage");
        }
        int[] size = size(encoded);
        return new Image(encoded.clone(), type, size[0], size[1]);
    }

    /** A PNG or JPEG file. */
    public static Image read(Path file) throws IOException {
        return of(Files.readAllBytes(file));
    }

    /** {@code image/png} or {@code image/jpeg} for bytes with that signature, else null. */
    static String mimeTypeOf(byte[] b) {
        if (b == null) {
            return null;
        }
        if (b.length >= 8 && java.util.Arrays.equals(b, 0, 8, PNG_MAGIC, 0, 8)) {
            return MimeBundle.IMAGE_PNG;
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return MimeBundle.IMAGE_JPEG;
        }
        return null;
    }

    private static int[] size(byte[] encoded) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
            return img == null ? new int[] {0, 0} : new int[] {img.getWidth(), img.getHeight()};
        } catch (IOException e) {
            throw new IllegalArgumentException("the image bytes cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static String head(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b == null ? 0 : b.length); i++) {
            sb.append(String.format("%02x ", b[i] & 0xff));
        }
        return sb.length() == 0 ? "(nothing)" : sb.toString().strip();
    }

    /** The encoded bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@code image/png} or {@code image/jpeg}. */
    public String mimeType() {
        return mimeType;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Writes the encoded bytes to a file. */
    public void save(Path file) throws IOException {
        Files.write(file, bytes);
    }

    /** The bytes Base64-encoded, as Jupyter carries images. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public MimeBundle toBundle(RenderContext context) {
        return MimeBundle.builder().put(mimeType, base64())
                .metadata(mimeType, Map.of("width", width, "height", height))
                .text(toString()).build();
    }

    /** {@code [PNG image 280x280]}. */
    @Override
    public String toString() {
        return "[" + (mimeType.equals(MimeBundle.IMAGE_PNG) ? "PNG" : "JPEG") + " image " + width + "x" + height + "]";
    }
}
