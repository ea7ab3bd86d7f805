package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The input history of all sessions, kept in memory and appended to {@code history.jsonl} under the Jupyter data
 * directory ({@code $JUPYTER_DATA_DIR/mge4j}, default {@code ~/.local/share/jupyter/mge4j}), so it survives a
 * restart. Each kernel process is a new session numbered after the last one in the file.
 */
public final class HistoryStore {
    private static final Logger LOG = Logger.getLogger(HistoryStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEP = 10_000;

    /** One stored input. */
    record Entry(int session, int line, String input, String output) {
    }

    private final Path file;
    private final List<Entry> entries = new ArrayList<>();
    private final CompletableFuture<Integer> loaded;
    private OutputStream out;
    private boolean writeFailed;

    /**
     * Opens a new session on the history file. The file (which grows with every cell ever run) is read on a
     * background thread, so that a long history does not delay the kernel's first kernel_info_reply; everything that
     * needs it waits for it. Missing or unreadable files start empty.
     */
    public HistoryStore(Path file) {
        this.file = file;
        this.loaded = CompletableFuture.supplyAsync(this::load, r -> {
            Thread t = new Thread(r, "mge4j-history");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Reads the file into {@link #entries}; returns this process's session number. */
    private synchronized int load() {
        int last = 0;
        if (file != null && Files.isRegularFile(file)) {
            try {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        JsonNode n = JSON.readTree(l);
                        Entry e = new Entry(n.path("session").asInt(), n.path("line").asInt(),
                                n.path("input").asText(), n.path("output").isNull() ? null : n.path("output").asText(null));
                        entries.add(e);
                        last = Math.max(last, e.session());
                    } catch (IOException bad) {
                        // a torn last line after a crash: skip it
                    }
                }
            } catch (IOException e) {
                LOG.warning("cannot read history " + file + ": " + e.getMessage());
            }
        }
        if (entries.size() > KEEP) {
            entries.subList(0, entries.size() - KEEP).clear();
        }
        return last + 1;
    }

    /** The default location: $JUPYTER_DATA_DIR/mge4j/history.jsonl or ~/.local/share/jupyter/mge4j/history.jsonl. */
    public static Path defaultFile() {
        String dir = System.getenv("JUPYTER_DATA_DIR");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
        return base.resolve("mge4j").resolve("history.jsonl");
    }

    /** This process's session number (waits for the file to be read). */
    public int session() {
        return loaded.join();
    }

    /**
     * Records an executed input (and the text of its result, if any). The file stays open for appending, and each
     * entry is one write of a whole line, so kernels sharing the file never interleave their lines.
     */
    public void add(int line, String input, String output) {
        Entry e = new Entry(session(), line, input, output);
        synchronized (this) {
            entries.add(e);
            if (file == null) {
                return;
            }
            try {
                ObjectNode n = JSON.createObjectNode();
                n.put("session", e.session());
                n.put("line", e.line());
                n.put("input", e.input());
                n.put("output", e.output());
                byte[] bytes = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
                if (out == null) {
                    Files.createDirectories(file.getParent());
                    out = new FileOutputStream(file.toFile(), true);
                }
                out.write(bytes);
                writeFailed = false;
            } catch (IOException ex) {
                if (!writeFailed) {
                    LOG.warning("cannot append to history " + file + ": " + ex.getMessage());
                }
                writeFailed = true;        // logged once; the next entry opens the file again
                closeQuietly();
            }
        }
    }

    /** Closes the file (entries added later open it again). */
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing was buffered: each entry was written whole
            }
            out = null;
        }
    }

    /** Answers a history_request: tail, range or search (glob with * and ?). */
    public ObjectNode reply(JsonNode req) {
        int session = session();
        synchronized (this) {
            return reply(req, session);
        }
    }

    private ObjectNode reply(JsonNode req, int session) {
        boolean output = req.path("output").asBoolean(false);
        String type = req.path("hist_access_type").asText("tail");
        int n = req.path("n").asInt(0);
        List<Entry> found = new ArrayList<>();
        switch (type) {
            case "range" -> {
                int s = req.path("session").asInt(0);
                int wanted = s > 0 ? s : session + s;
                int start = req.path("start").asInt(0);
                int stop = req.path("stop").isNull() || req.path("stop").isMissingNode()
                        ? Integer.MAX_VALUE : req.path("stop").asInt();
                for (Entry e : entries) {
                    if (e.session() == wanted && e.line() >= start && e.line() < stop) {
                        found.add(e);
                    }
                }
            }
            case "search" -> {
                Pattern p = glob(req.path("pattern").asText("*"));
                for (Entry e : entries) {
                    if (p.matcher(e.input()).matches()) {
                        found.add(e);
                    }
                }
                if (req.path("unique").asBoolean(false)) {
                    Map<String, Entry> latest = new LinkedHashMap<>();
                    for (Entry e : found) {
                        latest.remove(e.input());
                        latest.put(e.input(), e);
                    }
                    found = new ArrayList<>(latest.values());
                }
                found = last(found, n);
            }
            default -> found = last(entries, n <= 0 ? 10 : n);
        }
        ObjectNode c = Request.ok();
        ArrayNode h = c.putArray("history");
        for (Entry e : found) {
            ArrayNode item = h.addArray().add(e.session()).add(e.line());
            if (output) {
                item.addArray().add(e.input()).add(e.output() == null ? JsonNodeFactory.instance.nullNode()
                        : JsonNodeFactory.instance.textNode(e.output()));
            } else {
                item.add(e.input());
            }
        }
        return c;
    }

    private static List<Entry> last(List<Entry> all, int n) {
        return n <= 0 || n >= all.size() ? new ArrayList<>(all) : new ArrayList<>(all.subList(all.size() - n, all.size()));
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char ch : g.toCharArray()) {
            re.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
