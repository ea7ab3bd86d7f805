package org.mge4j.kernel.display;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.mge4j.display.DisplaySink;
import org.mge4j.display.MimeBundle;
import org.mge4j.kernel.io.Cell;

/**
 * Publishes display's outputs for the running cell: {@code display_data}, {@code update_display_data} and
 * {@code clear_output} on IOPub, after the cell's pending printed text, so output keeps program order.
 *
 * <p>Whether the frontend redraws updated outputs is guessed from the execute request, as the protocol has no
 * field for it: JupyterLab, Notebook 7 and VS Code send a {@code cellId} in the request's metadata, and notebook
 * runners (nbclient, nbconvert, papermill) send {@code allow_stdin: false}; jupyter console sends neither and
 * ignores {@code update_display_data}, so progress bars there use a carriage-return text line instead.
 */
public final class KernelDisplaySink implements DisplaySink {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String display(MimeBundle bundle) {
        String id = UUID.randomUUID().toString();
        publish("display_data", bundle, id);
        return id;
    }

    @Override
    public void update(String displayId, MimeBundle bundle) {
        publish("update_display_data", bundle, displayId);
    }

    @Override
    public void clearOutput(boolean wait) {
        Cell cell = requireCell("clearOutput");
        cell.flush();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("wait", wait);
        cell.publish("clear_output", c);
    }

    @Override
    public boolean updatesInPlace() {
        Cell cell = Cell.current();
        if (cell == null) {
            return false;
        }
        JsonNode metadata = cell.request().metadata();
        JsonNode content = cell.request().content();
        return metadata.hasNonNull("cellId") || !content.path("allow_stdin").asBoolean(true);
    }

    private static void publish(String type, MimeBundle bundle, String id) {
        Cell cell = requireCell("display");
        cell.flush();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.set("data", JSON.valueToTree(bundle.data()));
        c.set("metadata", JSON.valueToTree(bundle.metadata()));
        c.putObject("transient").put("display_id", id);
        cell.publish(type, c);
    }

    private static Cell requireCell(String what) {
        Cell cell = Cell.current();
        if (cell == null) {
            throw new IllegalStateException(what + " works only inside a running notebook cell");
        }
        return cell;
    }
}
