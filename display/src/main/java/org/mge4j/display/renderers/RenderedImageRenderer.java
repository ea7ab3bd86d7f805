package org.mge4j.display.renderers;

import java.awt.image.RenderedImage;
import org.mge4j.display.Image;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;

/** A {@link java.awt.image.BufferedImage} (any {@link RenderedImage}) as a PNG. */
public final class RenderedImageRenderer implements Renderer<RenderedImage> {
    /** Used by ServiceLoader. */
    public RenderedImageRenderer() {
    }

    @Override
    public Class<RenderedImage> type() {
        return RenderedImage.class;
    }

    @Override
    public MimeBundle render(RenderedImage image, RenderContext ctx) {
        if (!ctx.wants(MimeBundle.IMAGE_PNG)) {
            return MimeBundle.text("[image " + image.getWidth() + "x" + image.getHeight() + "]");
        }
        return Image.of(image).toBundle(ctx);
    }
}
