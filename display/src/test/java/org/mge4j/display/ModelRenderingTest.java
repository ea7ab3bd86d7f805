package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;
import org.mge4j.autodiff.GradManager;
import org.mge4j.functional.F;
import org.mge4j.optimizer.SGD;

class ModelRenderingTest {

    @Test
    void plainTextIsMegEnginesRepr() {
        Fixtures.ConvNet net = new Fixtures.ConvNet();
        assertEquals(net.toString(), Renderers.render(net).text());
    }

    @Test
    void htmlIsATreeInDeclarationOrderWithParameterCountsAndModes() {
        Fixtures.Nested net = new Fixtures.Nested();
        net.drop.eval();
        String html = Renderers.render(net).html();
        Golden.assertGolden("module-tree.html", html);
        assertTrue(html.indexOf("<b>features</b>") < html.indexOf("<b>drop</b>")
                && html.indexOf("<b>drop</b>") < html.indexOf("<b>head</b>"), "declaration order: " + html);
        assertTrue(html.contains("Dropout(drop_prob=0.5) <span style=\"opacity:0.65\">0 params</span> <span"), html);
        Golden.assertGolden("convnet-tree.html", Renderers.render(new Fixtures.ConvNet()).html());
    }

    @Test
    void summaryListsEachCallWithOutputShapesLikeTorchinfo() {
        Fixtures.ConvNet net = new Fixtures.ConvNet();
        ModelSummary s = Display.summary(net, Tensor.zeros(2, 1, 28, 28));
        Golden.assertGolden("convnet-summary.txt", s.toString());
        Golden.assertGolden("convnet-summary.html", Renderers.render(s).html());
        assertEquals(List.of("", "conv1", "pool1", "conv2", "pool2", "fc1", "fc2"),
                s.rows().stream().map(ModelSummary.Row::name).toList());
        assertEquals("(2, 10)", s.rows().get(0).outputShape());
        assertEquals("(2, 20, 4, 4)", s.rows().get(4).outputShape());
        assertEquals(21840, s.totalParams());
    }

    @Test
    void summaryRestoresModesRemovesHooksAndLeavesBatchNormStatisticsAlone() {
        Fixtures.Nested net = new Fixtures.Nested();
        net.drop.eval();
        float[] mean = net.features.stateDict().get("1.running_mean").toFloatArray();
        ModelSummary s = Display.summary(net, Tensor.arange(64).reshape(1, 1, 8, 8));
        assertTrue(net.training() && net.features.training() && !net.drop.training());
        assertArrayEquals(mean, net.features.stateDict().get("1.running_mean").toFloatArray());
        assertEquals(List.of("unused"), s.uncalled());
        assertTrue(s.toString().contains("Not called: unused"), s.toString());
        int rows = s.rows().size();
        assertEquals(rows, Display.summary(net, Tensor.zeros(1, 1, 8, 8)).rows().size(), "hooks of the first run are gone");
        Golden.assertGolden("nested-summary.txt", s.toString());
    }

    @Test
    void summaryWithoutAnInputSaysWhatToPass() {
        var e = assertThrows(IllegalArgumentException.class, () -> Display.summary(new Fixtures.ConvNet()));
        assertTrue(e.getMessage().contains("summary(model, Tensor.randn(1, 1, 28, 28))"), e.getMessage());
    }

    @Test
    void anOptimizerShowsItsGroupsAndState() {
        Fixtures.ConvNet net = new Fixtures.ConvNet();
        SGD sgd = new SGD(net.parameters(), 0.01, 0.9);
        GradManager gm = new GradManager().attach(net.parameters());
        try (var rec = gm.record()) {
            gm.backward(F.sum(net.call(Tensor.ones(1, 1, 28, 28))));
        }
        sgd.step().clearGrad();
        MimeBundle b = Renderers.render(sgd);
        Golden.assertGolden("sgd.txt", b.text());
        Golden.assertGolden("sgd.html", b.html());
        assertTrue(b.text().contains("momentum_buffer: 8 entries, 87.4 kB"), b.text());
    }
}
