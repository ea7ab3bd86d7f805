package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.data.Batch;

class ImagesTest {

    private static BufferedImage decode(MimeBundle b) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) b.get("image/png"))));
    }

    private static int grey(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xff;
    }

    @Test
    void aBatchOfGreyImagesIsAGridOfEnlargedCellsWithGaps() throws IOException {
        // 3 images of 2x2: image i has values i/2 (0, 0.5, 1): fixed [0, 1] range, so grey levels 0, 128, 255
        Tensor t = Tensor.arange(3).reshape(3, 1, 1, 1).div(2).broadcastTo(3, 1, 2, 2);
        ImageGrid g = Images.grid(t).scale(10);
        BufferedImage img = g.toBufferedImage();
        assertEquals(3 * 20 + 2 * 2, img.getWidth());
        assertEquals(20, img.getHeight());
        assertEquals(0, grey(img, 5, 5));
        assertEquals(128, grey(img, 22 + 5, 5));
        assertEquals(255, grey(img, 44 + 19, 19));
        assertEquals(255, grey(img, 20, 5), "the gap is white");
        assertEquals("[image grid: 3 images (1, 2, 2)]", g.toString());
    }

    @Test
    void labelsAreDrawnUnderEachImageAndMustMatchTheCount() throws IOException {
        Tensor t = Tensor.zeros(2, 1, 28, 28);
        MimeBundle b = Renderers.render(Images.grid(t, "T-shirt/top", "Trouser"));
        BufferedImage img = decode(b);
        assertEquals(2 * 84 + 2, img.getWidth());
        assertEquals(84 + 16, img.getHeight());
        assertEquals("[image grid: 2 images (1, 28, 28): T-shirt/top, Trouser, 170x100 PNG]", b.text());
        boolean ink = false;
        for (int x = 0; x < 84; x++) {
            for (int y = 85; y < 100; y++) {
                ink |= grey(img, x, y) < 128;
            }
        }
        assertTrue(ink, "a caption is drawn below the first image");
        var e = assertThrows(IllegalArgumentException.class, () -> Images.grid(t, "only one"));
        assertEquals("got 1 labels for 2 images of a tensor of shape (2, 1, 28, 28); give one label per image",
                e.getMessage());
    }

    @Test
    void classIndicesBecomeClassNames() {
        Tensor labels = Tensor.of(new int[] {1, 0});
        ImageGrid g = Images.grid(Tensor.zeros(2, 1, 4, 4), labels, List.of("cat", "dog"));
        assertEquals("[image grid: 2 images (1, 4, 4): dog, cat]", g.toString());
        assertThrows(IllegalArgumentException.class, () -> Images.grid(Tensor.zeros(1, 1, 4, 4),
                Tensor.of(new int[] {5}), List.of("cat", "dog")));
    }

    @Test
    void convolutionFiltersAreOneRowPerFilterStretchedToTheirOwnRange() {
        // (out=2, in=4, 2, 2) filters with negative weights: 4 columns, min-max per cell
        // ((out, 3, kh, kw) would be drawn as colour filters, as first-layer filters of RGB nets usually are)
        Tensor w = Tensor.arange(32).reshape(2, 4, 2, 2).sub(16);
        BufferedImage img = Images.grid(w).scale(1).gap(1).toBufferedImage();
        assertEquals(4 * 2 + 3, img.getWidth());
        assertEquals(2 * 2 + 1, img.getHeight());
        assertEquals(0, grey(img, 0, 0));
        assertEquals(255, grey(img, 1, 1));
    }

    @Test
    void colourImagesUseThreeChannels() {
        Tensor rgb = Tensor.zeros(3, 1, 1);
        rgb.nd().putScalar(new long[] {0, 0, 0}, 1.0);   // pure red
        BufferedImage img = Images.grid(rgb).scale(1).toBufferedImage();
        assertEquals("[PNG image 1x1]", Images.of(rgb).toString());
        assertEquals(0xff0000, img.getRGB(0, 0) & 0xffffff);
    }

    @Test
    void integerImagesAreGreyLevels() {
        Tensor t = Tensor.of(new int[][] {{0, 255}}, DType.UINT8);
        BufferedImage img = Images.grid(t).scale(1).toBufferedImage();
        assertEquals(0, grey(img, 0, 0));
        assertEquals(255, grey(img, 1, 0));
    }

    @Test
    void aFlatTensorIsRefusedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> Images.grid(Tensor.zeros(784)));
        assertTrue(e.getMessage().contains("reshape it first"), e.getMessage());
    }

    @Test
    void bufferedImagesAndPngOrJpegBytesRenderAsImages() throws IOException {
        BufferedImage bi = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        MimeBundle b = Renderers.render(bi);
        assertEquals("[PNG image 7x5]", b.text());
        assertEquals(7, decode(b).getWidth());
        byte[] png = Base64.getDecoder().decode((String) b.get("image/png"));
        assertEquals("[PNG image 7x5]", Renderers.render(png).text());
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(bi, "jpeg", jpeg);
        MimeBundle j = Renderers.render(jpeg.toByteArray());
        assertTrue(j.has("image/jpeg"), j.toString());
        assertEquals("[1, 2]", Renderers.render(new byte[] {1, 2}).text(), "other bytes stay bytes");
        assertThrows(IllegalArgumentException.class, () -> Image.of(new byte[] {1, 2, 3}));
    }

    @Test
    void aBatchShowsShapesAndItsFirstImages() {
        Batch batch = new Batch(Tensor.zeros(4, 1, 8, 8), Tensor.of(new int[] {3, 1, 4, 1}));
        MimeBundle b = Renderers.render(batch);
        assertEquals("Batch(data=float32 (4, 1, 8, 8), label=int32 (4,))", b.text());
        assertTrue(b.html().contains("<img src=\"data:image/png;base64,"), b.html());
    }
}
