package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;

class ChartsTest {

    @AfterEach
    void noSink() {
        Display.useSink(null);
    }

    private static BufferedImage png(MimeBundle b) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) b.get("image/png"))));
    }

    @Test
    void aLineChartIsAPngWithATextSummary() throws IOException {
        LineChart c = LineChart.of("train", List.of(1.0, 0.6, 0.4, 0.35)).add("test", new double[] {1.1, 0.7, 0.5, 0.45})
                .title("Loss").xLabel("epoch");
        MimeBundle b = Renderers.render(c);
        assertEquals(List.of("image/png", "text/plain"), List.copyOf(b.mimeTypes()));
        assertEquals("LineChart \"Loss\": train (4 points, last 0.35, min 0.35 at 3), test (4 points, last 0.45, "
                + "min 0.45 at 3)", b.text());
        BufferedImage img = png(b);
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
    }

    @Test
    void svgIsGivenWhenAskedFor() {
        LineChart c = LineChart.of("loss", new double[] {3, 2, 1});
        MimeBundle b = Display.render(c, "image/svg+xml");
        assertTrue(((String) b.get("image/svg+xml")).contains("<svg"), b.toString());
        assertFalse(b.has("image/png"));
        assertTrue(c.svg().svg().contains("<svg"));
    }

    @Test
    void mismatchedSeriesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LineChart.create().add("x", new double[] {1, 2}, new double[] {1}));
        assertEquals("series 'x' has 2 x values and 1 y values; give one x per y", e.getMessage());
    }

    @Test
    void aHistogramBinsLikeNumpy() throws IOException {
        // numpy.histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], bins=4) -> counts [3, 2, 2, 3], edges 0, 2.25, 4.5, 6.75, 9
        Histogram h = Histogram.of("w", Tensor.arange(10)).bins(4);
        assertArrayEquals(new long[] {3, 2, 2, 3}, h.counts("w"));
        assertArrayEquals(new double[] {0, 2.25, 4.5, 6.75, 9}, h.edges(), 1e-12);
        MimeBundle b = Renderers.render(h);
        assertEquals("Histogram: w (10 values, mean 4.5, std 2.872, from 0 to 9), 4 bins", b.text());
        assertEquals(640, png(b).getWidth());
    }

    @Test
    void aHistogramCountsNonFiniteValuesApartAndRefusesAMissingGradient() {
        Histogram h = Histogram.of("g", Tensor.of(new float[] {1, Float.NaN, 2}));
        assertTrue(h.toString().contains("1 NaN or inf"), h.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> h.add("grad", Tensor.ones(2).grad()));
        assertTrue(e.getMessage().contains("grad() is null until backward"), e.getMessage());
    }

    @Test
    void aLiveChartShowsAtTheFirstPointAndRedrawsInPlaceAtMostEveryHalfSecond() {
        RecordingSink sink = new RecordingSink(true);
        Display.useSink(sink);
        AtomicLong now = new AtomicLong();
        LiveChart live = LiveChart.create().clock(now::get);
        live.add("loss", 0, 1.0);
        now.addAndGet(100_000_000);
        live.add("loss", 1, 0.8);          // 100 ms later: no redraw
        now.addAndGet(500_000_000);
        live.add("loss", 2, 0.6);          // 600 ms after the first: redraw
        live.add("accuracy", "train", 2, 0.7);
        live.close();                      // the last points
        live.close();
        assertEquals(List.of("display_data", "update_display_data", "update_display_data"), sink.types());
        assertTrue(sink.messages.stream().allMatch(m -> m.displayId().equals("id-0")));
        MimeBundle last = sink.messages.get(2).bundle();
        assertTrue(last.has("image/png"));
        assertEquals("LiveChart: loss: loss (3 points, last 0.6, min 0.6 at 2); accuracy: train (1 point, last 0.7, "
                + "min 0.7 at 2)", last.text());
    }

    @Test
    void whereOutputsCannotBeRedrawnALiveChartIsShownOnceAtClose() {
        RecordingSink sink = new RecordingSink(false);
        Display.useSink(sink);
        LiveChart live = LiveChart.create();
        for (int i = 0; i < 5; i++) {
            live.add("loss", i, 1.0 / (i + 1));
        }
        assertEquals(List.of(), sink.types());
        live.close();
        assertEquals(List.of("display_data"), sink.types());
    }

    @Test
    void withoutANotebookALiveChartOnlyCollects() {
        LiveChart live = LiveChart.create();
        live.add("loss", 0, 1).close();
        assertEquals("LiveChart: loss: loss (1 point, last 1, min 1 at 0)", live.toString());
    }
}
