package org.mge4j.display.renderers;

import org.mge4j.display.Image;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;

/**
 * A {@code byte[]} that holds a PNG or JPEG file ({@code Files.readAllBytes(path)}, bytes from a web request)
 * as that picture; other byte arrays keep their text form.
 */
public final class EncodedImageRenderer implements Renderer<byte[]> {
    /** Used by ServiceLoader. */
    public EncodedImageRenderer() {
    }

    @Override
    public Class<byte[]> type() {
        return byte[].class;
    }

    @Override
    public boolean accepts(byte[] bytes) {
        return bytes.length >= 8 && ((bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                || (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff);
    }

    @Override
    public MimeBundle render(byte[] bytes, RenderContext ctx) {
        return Image.of(bytes).toBundle(ctx);
    }
}
