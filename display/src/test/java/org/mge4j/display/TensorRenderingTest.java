package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mge4j.DType;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;

class TensorRenderingTest {

    @Test
    void plainTextIsMegEnginesRepr() {
        Tensor t = Tensor.arange(6).reshape(2, 3).div(4);
        MimeBundle b = Renderers.render(t);
        assertEquals("Tensor([[0.   0.25 0.5 ]\n [0.75 1.   1.25]], device=cpu0:0)", b.text());
        assertEquals("Tensor([1 2 3], dtype=int32, device=cpu0:0)", Renderers.render(Tensor.of(new int[] {1, 2, 3})).text());
    }

    @Test
    void htmlHasAHeaderStatisticsAndTheValues() {
        Golden.assertGolden("tensor-small.html", Renderers.render(Tensor.arange(6).reshape(2, 3).div(4)).html());
        Golden.assertGolden("tensor-int.html", Renderers.render(Tensor.arange(0, 4, 1, DType.INT32)).html());
    }

    @Test
    void aParameterShowsThatItRequiresGradAndHoldsOne() {
        Parameter p = new Parameter(Tensor.arange(4).reshape(2, 2));
        new GradManager().attach(java.util.List.of(p));
        String before = Renderers.render(p).html();
        assertTrue(before.contains("<b>Parameter</b>") && before.contains("requires grad") && before.contains("no grad yet"), before);
        p.setGrad(Tensor.ones(2, 2));
        Golden.assertGolden("parameter-with-grad.html", Renderers.render(p).html());
        assertTrue(Renderers.render(Tensor.ones(2)).html().contains("no grad tracking"));
    }

    @Test
    void aMillionElementTensorIsSummarisedInTextAndHtml() {
        Tensor t = Tensor.arange(1_000_000).reshape(1000, 1000).div(7);
        MimeBundle b = Renderers.render(t);
        assertTrue(b.text().contains("..."), b.text());
        assertTrue(b.text().length() < 800, "text is " + b.text().length() + " chars");
        assertTrue(b.html().length() < 3000, "html is " + b.html().length() + " chars");
        Golden.assertGolden("tensor-million.html", b.html());
        Golden.assertGolden("tensor-million.txt", b.text());
    }

    @Test
    void nanValuesAreFlaggedInsteadOfStatistics() {
        String html = Renderers.render(Tensor.of(new float[] {1, Float.NaN, 3})).html();
        assertTrue(html.contains("contains NaN or inf"), html);
        assertTrue(html.contains("[ 1. nan  3.]"), html);
    }

    @Test
    void scalarAndEmptyTensorsRender() {
        assertEquals("Tensor(2.5, device=cpu0:0)", Renderers.render(Tensor.scalar(2.5)).text());
        MimeBundle empty = Renderers.render(Tensor.zeros(0, 3));
        assertEquals("Tensor([], device=cpu0:0)", empty.text());
        assertTrue(empty.html().contains("(0, 3)") && empty.html().contains("0 elements"), empty.html());
    }

    @Test
    void htmlEscapesTheTensorsName() {
        String html = Renderers.render(Tensor.ones(2).name("<x&y>")).html();
        assertTrue(html.contains("&lt;x&amp;y&gt;") && !html.contains("<x&y>"), html);
    }
}
