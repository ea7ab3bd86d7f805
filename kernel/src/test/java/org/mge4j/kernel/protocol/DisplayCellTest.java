package org.mge4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.mge4j.kernel.wire.Message;

/**
 * display's renderers in a real kernel process, with no import lines: results and displays carry HTML and PNG,
 * and progress bars are one output updated in place for notebook clients, a carriage-return line on stderr for
 * jupyter console.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DisplayCellTest {
    KernelProcess kernel;
    TestClient client;

    @BeforeAll
    void start() throws Exception {
        kernel = new KernelProcess(Files.createTempDirectory("mge4j-data"));
        client = new TestClient(kernel);
        client.waitForReady(30_000);
        TestClient.Execution define = client.execute(DlCoreCellTest.CONVNET);
        assertEquals("ok", define.status(), define.reply().content() + "\n" + kernel.logText());
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        kernel.close();
    }

    private TestClient.Execution ok(TestClient.Execution e) {
        assertEquals("ok", e.status(), e.reply().content() + "\n" + e.iopub() + "\n" + kernel.logText());
        return e;
    }

    @Test
    void aStateDictResultIsATableAndItsTextListsTheKeys() {
        TestClient.Execution e = ok(client.execute("model.stateDict()"));
        Message result = e.of("execute_result").get(0);
        String html = result.content().path("data").path("text/html").asText();
        assertTrue(html.contains("conv1 <span>2 tensors"), html);
        String text = result.content().path("data").path("text/plain").asText();
        assertTrue(text.startsWith("state dict: 8 tensors, 21,840 elements, 87.4 kB, float32"), text);
    }

    @Test
    void displayShowsImagesChartsAndTreesWithoutImports() {
        TestClient.Execution e = ok(client.execute(String.join("\n",
                "display(Images.grid(Tensor.rand(4, 1, 28, 28), \"a\", \"b\", \"c\", \"d\"));",
                "display(LineChart.of(\"loss\", List.of(1.0, 0.5, 0.25)));",
                "display(model);",
                "display(summary(model, Tensor.zeros(1, 1, 28, 28)));")));
        List<Message> shown = e.of("display_data");
        assertEquals(4, shown.size(), e.iopub().toString());
        assertTrue(shown.get(0).content().path("data").path("image/png").asText().startsWith("iVBOR"));
        assertEquals(4 * 84 + 3 * 2, shown.get(0).content().path("metadata").path("image/png").path("width").asInt(),
                shown.get(0).content().path("metadata").toString());
        assertTrue(shown.get(1).content().path("data").has("image/png"));
        assertTrue(shown.get(2).content().path("data").path("text/html").asText().contains("<b>conv1</b>"));
        assertTrue(shown.get(3).content().path("data").path("text/plain").asText().contains("├─conv1: Conv2d"));
        assertFalse(shown.get(0).content().path("transient").path("display_id").asText().isEmpty());
    }

    @Test
    void progressIsOneOutputUpdatedInPlaceForNotebookClients() {
        TestClient.Execution e = ok(client.execute(String.join("\n",
                "for (int i : Progress.range(5).desc(\"train\").every(java.time.Duration.ZERO)) {",
                "    Thread.sleep(5);",
                "}")));
        List<Message> first = e.of("display_data");
        List<Message> updates = e.of("update_display_data");
        assertEquals(1, first.size(), e.iopub().toString());
        assertTrue(updates.size() >= 5, e.iopub().toString());
        String id = first.get(0).content().path("transient").path("display_id").asText();
        assertTrue(updates.stream().allMatch(u -> u.content().path("transient").path("display_id").asText().equals(id)));
        Message last = updates.get(updates.size() - 1);
        assertTrue(last.content().path("data").path("text/plain").asText().contains("100%|"), last.content().toString());
        assertTrue(last.content().path("data").path("text/html").asText().contains("width:100.0%"));
    }

    @Test
    void aCellIdMarksANotebookClientEvenWithStdinAllowed() {
        ObjectNode content = client.executeContent("for (int i : Progress.range(2)) { }");
        content.put("allow_stdin", true);
        Message m = client.request("execute_request", content);
        m.metadata().put("cellId", "3f1c");
        String id = client.send(client.shell, m);
        Message reply = client.replyTo(client.shell, id, 30_000);
        assertEquals("ok", reply.content().path("status").asText());
        List<Message> out = client.iopubUntilIdle(id, 10_000);
        assertTrue(out.stream().anyMatch(x -> x.type().equals("display_data")), out.toString());
    }

    @Test
    void progressIsACarriageReturnLineForConsoleClients() {
        ObjectNode content = client.executeContent("for (int i : Progress.range(3).desc(\"epoch\")) { Thread.sleep(150); }");
        content.put("allow_stdin", true);     // as jupyter console sends it, with no cellId
        TestClient.Execution e = ok(client.execute(content));
        assertTrue(e.of("display_data").isEmpty() && e.of("update_display_data").isEmpty(), e.iopub().toString());
        StringBuilder err = new StringBuilder();
        for (Message m : e.of("stream")) {
            if (m.content().path("name").asText().equals("stderr")) {
                err.append(m.content().path("text").asText());
            }
        }
        assertTrue(err.toString().startsWith("\repoch:   0%|"), err.toString());
        assertTrue(err.toString().contains("\repoch: 100%|████████████████████| 3/3 ["), err.toString());
        assertTrue(err.toString().endsWith("]\n"), err.toString());
    }

    @Test
    void clearOutputAndUpdateDisplayWork() {
        TestClient.Execution e = ok(client.execute(String.join("\n",
                "String id = display(Html.of(\"<b>one</b>\"));",
                "updateDisplay(id, Markdown.of(\"**two**\"));",
                "clearOutput(true);")));
        assertEquals(List.of("display_data", "update_display_data", "clear_output"), e.iopub().stream()
                .map(Message::type).filter(t -> !t.equals("status") && !t.equals("execute_input")).toList());
        assertEquals("**two**", e.of("update_display_data").get(0).content().path("data").path("text/markdown").asText());
    }
}
