package org.mge4j.display.renderers;

import java.util.ArrayList;
import java.util.List;
import org.mge4j.Tensor;
import org.mge4j.data.Batch;
import org.mge4j.display.Html;
import org.mge4j.display.Image;
import org.mge4j.display.Images;
import org.mge4j.display.MimeBundle;
import org.mge4j.display.RenderContext;
import org.mge4j.display.Renderer;

/**
 * A {@link Batch} from a DataLoader: the shapes and dtypes of data and labels, and when the data are images
 * ({@code (N, 1, H, W)} or {@code (N, 3, H, W)}) a grid of the first 32 captioned with their labels.
 */
public final class BatchRenderer implements Renderer<Batch> {
    private static final int SHOWN = 32;

    /** Used by ServiceLoader. */
    public BatchRenderer() {
    }

    @Override
    public Class<Batch> type() {
        return Batch.class;
    }

    @Override
    public MimeBundle render(Batch batch, RenderContext ctx) {
        String text = "Batch(data=" + TensorRenderer.describe(batch.data()) + ", label="
                + (batch.label() == null ? "None" : TensorRenderer.describe(batch.label())) + ")";
        MimeBundle.Builder b = MimeBundle.builder().text(text);
        long[] s = batch.data().shape();
        boolean images = s.length == 4 && (s[1] == 1 || s[1] == 3) && s[0] > 0;
        if (ctx.wants(MimeBundle.TEXT_HTML)) {
            StringBuilder sb = new StringBuilder(HtmlStyle.open()).append(HtmlStyle.header("Batch", ""));
            sb.append("<div>data ").append(HtmlStyle.badge(TensorRenderer.describe(batch.data())));
            if (batch.label() != null) {
                sb.append(" · label ").append(HtmlStyle.badge(TensorRenderer.describe(batch.label())));
            }
            sb.append("</div>");
            if (images) {
                int n = (int) Math.min(SHOWN, s[0]);
                Tensor first = batch.data().slice(0, 0, n);
                Image img = Images.grid(first, labels(batch.label(), n)).toImage();
                sb.append("<img src=\"data:image/png;base64,").append(img.base64()).append("\" alt=\"")
                        .append(Html.escape(n + " of " + s[0] + " images")).append("\"/>");
            }
            b.html(sb.append(HtmlStyle.close()).toString());
        }
        return b.build();
    }

    private static List<String> labels(Tensor label, int n) {
        if (label == null || label.ndim() != 1 || label.dtype().isFloating() || label.shape(0) < n) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        long[] v = label.slice(0, 0, n).astype("int64").toLongArray();
        for (long x : v) {
            out.add(Long.toString(x));
        }
        return out;
    }
}
