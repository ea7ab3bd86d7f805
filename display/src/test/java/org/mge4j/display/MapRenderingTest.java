package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;
import org.mge4j.optimizer.SGD;
import org.mge4j.serialization.PyTuple;

class MapRenderingTest {

    @Test
    void aStateDictIsATableGroupedBySubmoduleWithTotals() {
        MimeBundle b = Renderers.render(Fixtures.smallStateDict());
        Golden.assertGolden("state-dict.txt", b.text());
        Golden.assertGolden("state-dict.html", b.html());
        assertTrue(b.text().startsWith("state dict: 5 tensors, 294 elements, 1.2 kB, float32, int32"), b.text());
    }

    @Test
    void aModelsStateDictListsEveryKeyInOrder() {
        Map<String, Tensor> sd = new Fixtures.ConvNet().stateDict();
        String text = Renderers.render(sd).text();
        List<String> keys = text.lines().skip(2).map(l -> l.split(" +")[0]).toList();
        assertEquals(new ArrayList<>(sd.keySet()), keys);
        assertTrue(text.lines().anyMatch(l -> l.matches("conv1\\.weight +\\(10, 1, 5, 5\\) +float32 +250 +1\\.0 kB")), text);
    }

    @Test
    void keysAreEscapedInHtml() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("<script>alert(1)</script>.weight", Tensor.ones(1));
        m.put("a&b.\"q\"", Tensor.ones(2));
        String html = Renderers.render(m).html();
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("<td colspan=\"5\">&lt;script&gt;alert(1)&lt;/script&gt; <span>"), html);
        assertTrue(html.contains("<td>&quot;q&quot;</td>") && html.contains(">a&amp;b <span>"), html);
        assertTrue(Renderers.render(m).text().contains("<script>alert(1)</script>.weight"), "text is not escaped");
        Golden.assertGolden("state-dict-escaped.html", html);
    }

    @Test
    void anEmptyMapIsJustItsText() {
        MimeBundle b = Renderers.render(new HashMap<String, Tensor>());
        assertEquals(Map.of("text/plain", "{}"), b.data());
        MimeBundle words = Renderers.render(Map.of("a", 1));
        assertEquals(Map.of("text/plain", "{a=1}"), words.data());
    }

    @Test
    void aHugeStateDictListsFiveHundredRowsAndCountsTheRest() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        Tensor t = Tensor.zeros(4, 4);
        for (int i = 0; i < 1200; i++) {
            m.put("layers." + i + ".weight", t);
        }
        MimeBundle b = Renderers.render(m);
        assertTrue(b.html().contains("… 700 more tensors not listed; the totals count them"), b.html());
        assertTrue(b.html().contains("1,200 tensors · 19,200 elements · 76.8 kB"), b.html());
        assertTrue(b.text().endsWith("… 700 more tensors"));
    }

    @Test
    void aCheckpointIsATreeWithTensorsAsShapeBadges() {
        Fixtures.ConvNet net = new Fixtures.ConvNet();
        SGD sgd = new SGD(net.parameters(), 0.01, 0.9);
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("model_state_dict", Fixtures.smallStateDict());
        ckpt.put("optimizer_state_dict", sgd.stateDict());
        ckpt.put("loss", 0.3124);
        ckpt.put("notes", Map.of());
        ckpt.put("shape", PyTuple.of(1, 28, 28));
        MimeBundle b = Renderers.render(ckpt);
        Golden.assertGolden("checkpoint.txt", b.text());
        Golden.assertGolden("checkpoint.html", b.html());
        assertTrue(b.html().contains("<details open><summary><span"), b.html());
    }

    @Test
    void aListOfParametersRendersAsBadges() {
        MimeBundle b = Renderers.render(new Fixtures.ConvNet().parameters());
        assertTrue(b.text().startsWith("list, 8 items, 8 tensors, 87.4 kB\n[0]: float32 (1, 10, 1, 1)"), b.text());
    }
}
