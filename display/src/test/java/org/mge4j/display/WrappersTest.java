package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;

class WrappersTest {

    @AfterEach
    void noSink() {
        Display.useSink(null);
    }

    @Test
    void htmlShowsAsHtmlAndItsTextWithoutTags() {
        MimeBundle b = Renderers.render(Html.of("<p>loss <b>0.31</b> &amp; falling</p><script>x()</script>"));
        assertEquals("<p>loss <b>0.31</b> &amp; falling</p><script>x()</script>", b.html());
        assertEquals("loss 0.31 & falling", b.text());
        assertEquals("&lt;a href=&quot;x&quot;&gt; &amp; &#39;", Html.escape("<a href=\"x\"> & '"));
    }

    @Test
    void markdownLatexAndSvgCarryTheirSource() {
        assertEquals(Map.of("text/markdown", "**x**", "text/plain", "**x**"), Renderers.render(Markdown.of("**x**")).data());
        assertEquals(Map.of("text/latex", "$x^2$", "text/plain", "$x^2$"), Renderers.render(Latex.of("$x^2$")).data());
        MimeBundle svg = Renderers.render(Svg.of("<svg width=\"10\" height=\"20\"></svg>"));
        assertEquals("[SVG image 10x20]", svg.text());
        assertThrows(IllegalArgumentException.class, () -> Svg.of("<html/>"));
    }

    @Test
    void jsonIsAValueNotAStringAndReadsStrictJson() {
        Json j = Json.parse("{\"lr\": 0.01, \"layers\": [1, 2], \"name\": \"a\\\"b\", \"ok\": true, \"none\": null}");
        MimeBundle b = Renderers.render(j);
        Object data = b.get("application/json");
        assertTrue(data instanceof Map<?, ?>, String.valueOf(data));
        assertEquals(List.of(1L, 2L), ((Map<?, ?>) data).get("layers"));
        assertEquals("{\n  \"lr\": 0.01,\n  \"layers\": [\n    1,\n    2\n  ],\n  \"name\": \"a\\\"b\",\n  \"ok\": true,\n"
                + "  \"none\": null\n}", b.text());
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertTrue(e.getMessage().startsWith("invalid JSON at character"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.of(Map.of("t", Tensor.ones(1))));
    }

    @Test
    void displayGoesToTheSinkAndAStringWithAMimeTypeIsThatContent() {
        RecordingSink sink = new RecordingSink(true);
        Display.useSink(sink);
        String id = Display.display("<b>hi</b>", "text/html");
        Display.updateDisplay(id, Tensor.ones(2));
        Display.clearOutput(true);
        assertEquals(List.of("display_data", "update_display_data", "clear_output"), sink.types());
        assertEquals(Map.of("text/html", "<b>hi</b>", "text/plain", "<b>hi</b>"), sink.messages.get(0).bundle().data());
        assertEquals(id, sink.messages.get(1).displayId());
        assertTrue(sink.messages.get(1).bundle().html().contains("(2,)"));
        var e = assertThrows(IllegalArgumentException.class, () -> Display.display(Tensor.ones(2), "image/png"));
        assertEquals("cannot show a Tensor as image/png; it renders as [text/plain, text/html]", e.getMessage());
    }

    @Test
    void withoutANotebookDisplayPrintsTheText() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Display.display(Tensor.ones(2));
            Display.clearOutput();
        } finally {
            System.setOut(old);
        }
        assertEquals("Tensor([1. 1.], device=cpu0:0)\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void renderReturnsABundleThatShowsItself() {
        MimeBundle b = Display.render("# Title", "text/markdown");
        assertEquals(b, Renderers.render(b));
        assertEquals("MimeBundle[text/markdown 7 chars, text/plain 7 chars]", b.toString());
    }
}
