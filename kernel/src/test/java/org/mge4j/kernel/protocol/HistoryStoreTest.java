package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HistoryStoreTest {

    @Test
    void searchMatchesGlobsAndUniqueKeepsOneEntryPerInput() throws Exception {
        HistoryStore h = new HistoryStore(Files.createTempDirectory("hist").resolve("history.jsonl"));
        h.add(1, "1 + 2 + 3", "6");
        h.add(2, "int x = 1;", null);
        h.add(3, "1 + 2 + 3", "6");
        ObjectNode q = TestClient.JSON.createObjectNode().put("hist_access_type", "search").put("pattern", "1 + 2*");
        assertEquals(2, h.reply(q).path("history").size());
        q.put("unique", true);
        assertEquals(1, h.reply(q).path("history").size());
        assertEquals(3, h.reply(q).path("history").get(0).get(1).asInt());
    }

    @Test
    void rangeUsesStartInclusiveStopExclusiveAndOutputPairs() throws Exception {
        HistoryStore h = new HistoryStore(Files.createTempDirectory("hist").resolve("history.jsonl"));
        h.add(1, "a", "A");
        h.add(2, "b", null);
        h.add(3, "c", "C");
        ObjectNode q = TestClient.JSON.createObjectNode().put("hist_access_type", "range").put("session", 0)
                .put("start", 1).put("stop", 3).put("output", true);
        var items = h.reply(q).path("history");
        assertEquals(2, items.size());
        assertEquals("[\"a\",\"A\"]", items.get(0).get(2).toString());
    }

    @Test
    void aNewStoreOnTheSameFileIsTheNextSessionAndSeesTheOldEntries() throws Exception {
        Path file = Files.createTempDirectory("hist").resolve("history.jsonl");
        new HistoryStore(file).add(1, "old cell", null);
        HistoryStore next = new HistoryStore(file);
        assertEquals(2, next.session());
        ObjectNode q = TestClient.JSON.createObjectNode().put("hist_access_type", "tail").put("n", 5);
        assertEquals("old cell", next.reply(q).path("history").get(0).get(2).asText());
    }
}
