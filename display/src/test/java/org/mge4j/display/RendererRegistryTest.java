package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.display.renderers.CheckpointRenderer;
import org.mge4j.display.renderers.GraphInferenceRenderer;
import org.mge4j.display.renderers.ModuleRenderer;
import org.mge4j.display.renderers.StateDictRenderer;
import org.mge4j.display.renderers.TensorRenderer;

class RendererRegistryTest {

    interface Shape {
    }

    static class Polygon implements Shape {
    }

    static class Square extends Polygon {
        @Override
        public String toString() {
            return "square";
        }
    }

    record Named<T>(Class<T> type, String label, int priority) implements Renderer<T> {
        @Override
        public MimeBundle render(T value, RenderContext ctx) {
            return MimeBundle.builder().html("<i>" + label + "</i>").text(label).build();
        }
    }

    @Test
    void theMostSpecificTypeWinsOverPriority() {
        RendererRegistry r = new RendererRegistry()
                .register(new Named<>(Shape.class, "shape", 100))
                .register(new Named<>(Polygon.class, "polygon", 0))
                .register(new Named<>(Object.class, "object", 1000));
        assertEquals("polygon", r.render(new Square()).text());
        assertEquals("shape", r.render(new Shape() { }).text());
        assertEquals("object", r.render(42).text());
    }

    @Test
    void amongOneTypeTheHigherPriorityThenTheLaterRegistrationWins() {
        RendererRegistry r = new RendererRegistry()
                .register(new Named<>(Polygon.class, "low", -1))
                .register(new Named<>(Polygon.class, "first", 5))
                .register(new Named<>(Polygon.class, "second", 5));
        assertEquals("second", r.render(new Polygon()).text());
        assertEquals(List.of("second", "first", "low"),
                r.candidates(Polygon.class).stream().map(x -> ((Named<?>) x).label()).toList());
    }

    @Test
    void aRendererThatDeclinesOrReturnsNullPassesTheValueOn() {
        RendererRegistry r = new RendererRegistry()
                .register(new Named<>(Polygon.class, "fallback", 0))
                .register(new Renderer<Polygon>() {
                    public Class<Polygon> type() {
                        return Polygon.class;
                    }

                    public boolean accepts(Polygon p) {
                        return p instanceof Square;
                    }

                    public MimeBundle render(Polygon p, RenderContext ctx) {
                        return null;
                    }
                });
        assertEquals("fallback", r.render(new Square()).text());
        assertEquals("fallback", r.render(new Polygon()).text());
    }

    @Test
    void aFailingRendererIsReportedAndTheNextOneDraws() {
        RendererRegistry r = new RendererRegistry()
                .register(new Named<>(Polygon.class, "fallback", 0))
                .register(new Renderer<Polygon>() {
                    public Class<Polygon> type() {
                        return Polygon.class;
                    }

                    public int priority() {
                        return 1;
                    }

                    public MimeBundle render(Polygon p, RenderContext ctx) {
                        throw new IllegalStateException("broken on purpose");
                    }
                });
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals("fallback", r.render(new Polygon()).text());
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("broken on purpose"), captured.toString());
    }

    @Test
    void everyBundleHasPlainTextFromToStringWhenTheRendererGivesNone() {
        RendererRegistry r = new RendererRegistry().register(new Renderer<Square>() {
            public Class<Square> type() {
                return Square.class;
            }

            public MimeBundle render(Square s, RenderContext ctx) {
                return MimeBundle.builder().html("<b>sq</b>").build();
            }
        });
        MimeBundle b = r.render(new Square());
        assertEquals("square", b.text());
        assertEquals("<b>sq</b>", b.html());
        assertEquals("null", r.render(null).text());
        assertEquals("[1, 2, 3]", r.render(new int[] {1, 2, 3}).text());
        assertEquals("[[a], [b, c]]", r.render(new String[][] {{"a"}, {"b", "c"}}).text());
    }

    @Test
    void namedMimeTypesLimitTheBundleAndAlwaysKeepPlainText() {
        RendererRegistry r = new RendererRegistry().register(new Named<>(Polygon.class, "p", 0));
        MimeBundle b = r.render(new Polygon(), List.of("text/html"));
        assertEquals(List.of("text/html", "text/plain"), new ArrayList<>(b.mimeTypes()));
        var e = assertThrows(IllegalArgumentException.class, () -> r.render(new Polygon(), List.of("image/png")));
        assertEquals("cannot show a Polygon as image/png; it renders as [text/html, text/plain]", e.getMessage());
    }

    @Test
    void aStringWithNamedTypesIsContentOfThoseTypes() {
        MimeBundle b = new RendererRegistry().render("**bold**", List.of("text/markdown"));
        assertEquals(Map.of("text/markdown", "**bold**", "text/plain", "**bold**"), b.data());
        MimeBundle h = new RendererRegistry().render("<b>x</b>", List.of("text/html", "text/plain"));
        assertEquals("<b>x</b>", h.text());
    }

    @Test
    void aRenderableDrawsItselfBeforeAnyRenderer() {
        RendererRegistry r = new RendererRegistry().register(new Named<>(Object.class, "object", 99));
        assertEquals("<b>x</b>", r.render(Html.of("<b>x</b>")).html());
    }

    @Test
    void theBuiltInRenderersAreFoundThroughServiceLoader() {
        RendererRegistry r = Renderers.registry();
        assertInstanceOf(TensorRenderer.class, r.candidates(Tensor.class).get(0));
        assertInstanceOf(TensorRenderer.class, r.candidates(Parameter.class).get(0));
        assertInstanceOf(ModuleRenderer.class, r.candidates(Fixtures.ConvNet.class).get(0));
        List<Renderer<Object>> forMaps = r.candidates(LinkedHashMap.class);
        assertInstanceOf(StateDictRenderer.class, forMaps.get(0));
        assertInstanceOf(CheckpointRenderer.class, forMaps.get(1));
        assertTrue(r.candidates(ArrayList.class).get(0) instanceof CheckpointRenderer.ForLists);
    }

    @Test
    void aLoadedGraphShowsItsInputsOutputsAndOps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Fixtures.ConvNet net = new Fixtures.ConvNet();
        net.eval();
        var traced = org.mge4j.jit.Jit.trace((Tensor x) -> org.mge4j.functional.F.softmax(net.call(x)),
                org.mge4j.jit.TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        traced.call(Tensor.zeros(1, 1, 28, 28));
        String file = dir.resolve("convnet.mge").toString();
        traced.dump(file, org.mge4j.jit.DumpOptions.builder().argNames("data").build());
        var graph = org.mge4j.jit.Jit.load(file);
        MimeBundle b = Renderers.render(graph);
        assertTrue(b.text().startsWith("GraphInference: " + graph.opCount() + " ops\n  input  data (1, 1, 28, 28)\n"
                + "  output " + graph.outputNames().get(0)), b.text());
        assertTrue(b.text().contains("max_pool2d x2"), b.text());
        assertTrue(b.html().contains("max_pool2d ×2"), b.html());
        assertInstanceOf(GraphInferenceRenderer.class, Renderers.registry().candidates(graph.getClass()).get(0));
    }

    @Test
    void aRendererRegisteredForTheWholeJvmWinsAndCanBeRemoved() {
        Renderer<Tensor> mine = new Named<>(Tensor.class, "mine", 10);
        Renderers.register(mine);
        try {
            assertEquals("mine", Renderers.render(Tensor.ones(2)).text());
        } finally {
            assertTrue(Renderers.unregister(mine));
        }
        assertTrue(Renderers.render(Tensor.ones(2)).text().startsWith("Tensor("));
    }
}
