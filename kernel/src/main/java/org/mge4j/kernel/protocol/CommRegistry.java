package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Open comms and the targets that accept them (the basis for widgets). A comm_open for an unknown target is
 * answered with comm_close, as the protocol asks.
 */
public final class CommRegistry {
    /** Receives the data of comm messages for one target. */
    public interface Target {
        /** A frontend opened a comm to this target. */
        void opened(String commId, JsonNode data);

        /** A message arrived on an open comm. */
        void message(String commId, JsonNode data);

        /** The comm was closed by the frontend. */
        default void closed(String commId, JsonNode data) {
        }
    }

    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, String> open = new ConcurrentHashMap<>();

    /** Registers a target name. */
    public void register(String targetName, Target target) {
        targets.put(targetName, target);
    }

    /** Registers a target that only receives messages. */
    public void register(String targetName, BiConsumer<String, JsonNode> onMessage) {
        register(targetName, new Target() {
            @Override
            public void opened(String commId, JsonNode data) {
            }

            @Override
            public void message(String commId, JsonNode data) {
                onMessage.accept(commId, data);
            }
        });
    }

    void handleOpen(Request r) {
        String id = r.content().path("comm_id").asText();
        String target = r.content().path("target_name").asText();
        Target t = targets.get(target);
        if (t == null) {
            ObjectNode c = r.content().objectNode();
            c.put("comm_id", id);
            c.putObject("data").put("error", "no comm target named '" + target + "' in this kernel");
            r.publish("comm_close", c);
            return;
        }
        open.put(id, target);
        t.opened(id, r.content().path("data"));
    }

    void handleMessage(Request r) {
        String id = r.content().path("comm_id").asText();
        String target = open.get(id);
        if (target != null) {
            targets.get(target).message(id, r.content().path("data"));
        }
    }

    void handleClose(Request r) {
        String id = r.content().path("comm_id").asText();
        String target = open.remove(id);
        if (target != null) {
            targets.get(target).closed(id, r.content().path("data"));
        }
    }

    void handleInfo(Request r) {
        String only = r.content().path("target_name").asText("");
        ObjectNode c = Request.ok();
        ObjectNode comms = c.putObject("comms");
        open.forEach((id, target) -> {
            if (only.isEmpty() || only.equals(target)) {
                comms.putObject(id).put("target_name", target);
            }
        });
        r.reply("comm_info_reply", c);
    }
}
