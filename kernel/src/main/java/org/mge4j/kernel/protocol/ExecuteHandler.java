package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.display.Notebook;
import org.mge4j.kernel.eval.CellOutcome;
import org.mge4j.kernel.eval.CellStop;
import org.mge4j.kernel.io.Cell;
import org.mge4j.kernel.io.OutputRouter;
import org.mge4j.kernel.magic.CellRunner;
import org.mge4j.kernel.wire.StdinChannel;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * execute_request: the counter rules (only stored executions count; silent implies not stored), execute_input,
 * outputs in program order, execute_result with the live value rendered by the display bridge, user_expressions,
 * error replies, and the stop_on_error signal for aborting queued cells.
 */
final class ExecuteHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<CellRunner> runner;
    private final OutputRouter output;
    private final StdinChannel stdin;
    private final HistoryStore history;
    private int executionCount;
    private boolean abortQueued;

    ExecuteHandler(Supplier<CellRunner> runner, OutputRouter output, StdinChannel stdin, HistoryStore history) {
        this.runner = runner;
        this.output = output;
        this.stdin = stdin;
        this.history = history;
    }

    /** Whether the last request failed with stop_on_error, so queued execute requests must be aborted. */
    boolean takeAbortSignal() {
        boolean a = abortQueued;
        abortQueued = false;
        return a;
    }

    /** The current execution count (for aborted replies). */
    int executionCount() {
        return executionCount;
    }

    void handle(Request r) {
        JsonNode c = r.content();
        String code = c.path("code").asText("");
        boolean silent = c.path("silent").asBoolean(false);
        boolean store = !silent && c.path("store_history").asBoolean(true);
        boolean allowStdin = c.path("allow_stdin").asBoolean(true);
        boolean stopOnError = c.path("stop_on_error").asBoolean(true);
        if (store) {
            executionCount++;
        }
        int count = executionCount;
        if (!silent) {
            ObjectNode in = Request.ok();
            in.remove("status");
            in.put("code", code);
            in.put("execution_count", count);
            r.publish("execute_input", in);
        }
        Cell cell = new Cell(r.message(), count, allowStdin, silent, r.iopub(), stdin, r.session(),
                Cell.DEFAULT_OUTPUT_CAP);
        output.attach(cell);
        CellOutcome outcome = code.isBlank() ? new CellOutcome.Nothing() : runner.get().run(code, cell);
        cell.flush();
        String resultText = null;
        if (outcome instanceof CellOutcome.Value v) {
            try {
                Map<String, Object> bundle = Notebook.bundle(v.value());
                resultText = String.valueOf(bundle.get("text/plain"));
                ObjectNode res = Request.ok();
                res.remove("status");
                res.put("execution_count", count);
                res.set("data", JSON.valueToTree(bundle));
                res.putObject("metadata");
                cell.publish("execute_result", res);
            } catch (RuntimeException | CellStop.Stopped | StackOverflowError | OutOfMemoryError e) {
                outcome = notShown(e);
            }
        }
        if (store) {
            history.add(count, code, resultText);
        }
        if (outcome instanceof CellOutcome.Failure f) {
            ObjectNode err = Request.ok();
            err.remove("status");
            fillError(err, f);
            cell.publish("error", err);
            ObjectNode reply = err.deepCopy();
            reply.put("status", "error");
            reply.put("execution_count", count);
            r.reply("execute_reply", reply);
            abortQueued = stopOnError;
            return;
        }
        ObjectNode reply = Request.ok();
        reply.put("execution_count", count);
        reply.putArray("payload").addAll(cell.payloads());
        reply.set("user_expressions", userExpressions(c.path("user_expressions"), r));
        r.reply("execute_reply", reply);
    }

    private ObjectNode userExpressions(JsonNode exprs, Request r) {
        ObjectNode out = JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> it = exprs.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Cell quiet = new Cell(r.message(), executionCount, false, true, r.iopub(), stdin, r.session(), 0);
            CellOutcome o = runner.get().run(e.getValue().asText(), quiet);
            ObjectNode v = out.putObject(e.getKey());
            if (o instanceof CellOutcome.Failure f) {
                v.put("status", "error");
                fillError(v, f);
            } else {
                v.put("status", "ok");
                Object value = o instanceof CellOutcome.Value val ? val.value() : null;
                v.set("data", JSON.valueToTree(Notebook.bundle(value)));
                v.putObject("metadata");
            }
        }
        return out;
    }

    /** The value's toString or renderer is user code (woven, so it can be stopped): its failure is the cell's. */
    private static CellOutcome.Failure notShown(Throwable e) {
        if (e instanceof CellStop.Stopped) {
            return new CellOutcome.Failure("Interrupted", "the cell was interrupted while its value was shown;"
                    + " earlier variables are kept", List.of("Interrupted while the cell's value was shown"));
        }
        String what = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new CellOutcome.Failure(e.getClass().getName(), "the cell's value could not be shown: " + what,
                List.of("The cell's value could not be shown: " + what));
    }

    private static void fillError(ObjectNode node, CellOutcome.Failure f) {
        node.put("ename", f.ename());
        node.put("evalue", f.evalue());
        ArrayNode tb = node.putArray("traceback");
        f.traceback().forEach(tb::add);
    }
}
