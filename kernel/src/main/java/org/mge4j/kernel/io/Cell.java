package org.mge4j.kernel.io;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.wire.IopubPublisher;
import org.mge4j.kernel.wire.Message;
import org.mge4j.kernel.wire.StdinChannel;

import java.util.List;

/**
 * One running (or finished) execute request as seen by user code: where its output goes, how it reads stdin.
 * Threads started by a cell stay attributed to it through their {@link CellThreadGroup}.
 */
public final class Cell {
    /** Characters of stdout+stderr a cell may publish before the rest is dropped with a note. */
    public static final long DEFAULT_OUTPUT_CAP = Long.getLong("mge4j.maxCellOutputChars", 1_000_000L);

    private static volatile Cell latest;

    private final Message request;
    private final int executionCount;
    private final boolean allowStdin;
    private final boolean silent;
    private final IopubPublisher iopub;
    private final StdinChannel stdin;
    private final String session;
    private final CellStream out;
    private final CellStream err;
    private final long outputCap;
    private final List<ObjectNode> payloads = new java.util.ArrayList<>();
    private long published;
    private boolean capNoted;

    /** A cell for an execute request; {@code silent} cells publish nothing. */
    public Cell(Message request, int executionCount, boolean allowStdin, boolean silent, IopubPublisher iopub,
                StdinChannel stdin, String session, long outputCap) {
        this.request = request;
        this.executionCount = executionCount;
        this.allowStdin = allowStdin;
        this.silent = silent;
        this.iopub = iopub;
        this.stdin = stdin;
        this.session = session;
        this.outputCap = outputCap;
        this.out = new CellStream(this, "stdout");
        this.err = new CellStream(this, "stderr");
    }

    /** The cell the calling thread belongs to, or the most recent cell for foreign threads (pools), or null. */
    public static Cell current() {
        for (ThreadGroup g = Thread.currentThread().getThreadGroup(); g != null; g = g.getParent()) {
            if (g instanceof CellThreadGroup cg) {
                return cg.cell();
            }
        }
        return Thread.currentThread().getName().startsWith("mge4j-") ? null : latest;
    }

    /** Marks this cell as the one foreign threads write to. */
    public void becomeLatest() {
        latest = this;
    }

    /** The execution count shown as In[n]. */
    public int executionCount() {
        return executionCount;
    }

    /** The execute request this cell answers. */
    public Message request() {
        return request;
    }

    /** The stdout stream of this cell. */
    public CellStream stdout() {
        return out;
    }

    /** The stderr stream of this cell. */
    public CellStream stderr() {
        return err;
    }

    /** Publishes buffered stdout and stderr now (before a display, an error, input or the reply). */
    public void flush() {
        out.drain(true);
        err.drain(true);
    }

    /** Adds an item to the execute_reply payload, e.g. a pager page ({@code source: "page"}). */
    public synchronized void addPayload(ObjectNode item) {
        payloads.add(item);
    }

    /** The payload items collected while the cell ran. */
    public synchronized List<ObjectNode> payloads() {
        return List.copyOf(payloads);
    }

    /** Publishes an IOPub message whose parent is this cell's request (nothing when silent). */
    public void publish(String msgType, ObjectNode content) {
        if (silent) {
            return;
        }
        iopub.publish(new Message(List.of(), Message.newHeader(msgType, session), request.header().deepCopy(),
                JsonNodeFactory.instance.objectNode(), content, List.of()));
    }

    /** Publishes stream text, enforcing the per-cell cap. Called by {@link CellStream} under its lock. */
    synchronized void publishStream(String name, String text) {
        if (capNoted) {
            return;
        }
        if (published + text.length() > outputCap) {
            text = text.substring(0, (int) Math.max(0, outputCap - published))
                    + "\n[output truncated: this cell printed more than " + outputCap + " characters; the rest was "
                    + "dropped. Write large output to a file, or raise -Dmge4j.maxCellOutputChars]\n";
            capNoted = true;
        }
        published += text.length();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("name", name);
        c.put("text", text);
        publish("stream", c);
    }

    /** Reads one line typed by the user (without the newline), asking the frontend through input_request. */
    public String readLine(String prompt, boolean password) throws InterruptedException {
        if (!allowStdin || stdin == null) {
            throw new StdinUnavailableException();
        }
        flush();
        return stdin.requestInput(request, prompt, password);
    }

}
