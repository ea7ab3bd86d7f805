package org.mge4j.display;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/** The look shared by display's charts, and their encoding as PNG and SVG (through XChart). */
final class ChartImages {
    /** Series colours: a colour-blind-safe palette (Okabe-Ito). */
    static final Color[] PALETTE = {
        new Color(0x00, 0x72, 0xB2), new Color(0xE6, 0x9F, 0x00), new Color(0x00, 0x9E, 0x73),
        new Color(0xD5, 0x5E, 0x00), new Color(0xCC, 0x79, 0xA7), new Color(0x56, 0xB4, 0xE9),
        new Color(0xF0, 0xE4, 0x42), new Color(0x00, 0x00, 0x00)};

    private ChartImages() {
    }

    /** An XY chart with display's style: white, light grid, legend inside when there are several series. */
    static XYChart xyChart(int width, int height, String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title == null ? "" : title)
                .xAxisTitle(xLabel == null ? "" : xLabel).yAxisTitle(yLabel == null ? "" : yLabel).build();
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(new Color(0xE0, 0xE0, 0xE0));
        s.setLegendBorderColor(new Color(0xE0, 0xE0, 0xE0));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleVisible(title != null && !title.isEmpty());
        s.setSeriesColors(PALETTE);
        s.setMarkerSize(0);
        s.setXAxisMaxLabelCount(12);     // XChart otherwise labels nearly every integer step
        s.setAntiAlias(true);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return chart;
    }

    /** One chart as a picture. */
    static BufferedImage bitmap(XYChart chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Charts side by side, {@code perRow} to a row, as one picture. */
    static BufferedImage bitmap(List<XYChart> charts, int perRow) {
        if (charts.size() == 1) {
            return bitmap(charts.get(0));
        }
        int w = charts.get(0).getWidth();
        int h = charts.get(0).getHeight();
        int cols = Math.min(perRow, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BufferedImage out = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(bitmap(charts.get(i)), (i % cols) * w, (i / cols) * h, null);
        }
        g.dispose();
        return out;
    }

    /** One chart as an SVG document. */
    static Svg svg(XYChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Svg.of(out.toString(StandardCharsets.UTF_8));
    }

    /** The representations of a chart: PNG unless other types were asked for, SVG when asked for. */
    static MimeBundle bundle(XYChart chart, String text, RenderContext ctx) {
        MimeBundle.Builder b = MimeBundle.builder();
        if (ctx.asked(MimeBundle.IMAGE_SVG)) {
            b.put(MimeBundle.IMAGE_SVG, svg(chart).svg());
        }
        if (ctx.wants(MimeBundle.IMAGE_PNG)) {
            Image img = Image.of(bitmap(chart));
            b.put(MimeBundle.IMAGE_PNG, img.base64())
                    .metadata(MimeBundle.IMAGE_PNG, java.util.Map.of("width", img.width(), "height", img.height()));
        }
        return b.text(text).build();
    }
}
