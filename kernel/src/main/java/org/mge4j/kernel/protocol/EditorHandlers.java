package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.eval.Evaluator;
import org.mge4j.kernel.magic.CellRunner;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * complete_request, inspect_request and is_complete_request. Cursor positions on the wire count Unicode code
 * points (protocol 5.2+); JShell counts UTF-16 units, so every position is converted both ways here.
 */
final class EditorHandlers {
    private static final Pattern MAGIC_PREFIX = Pattern.compile("(?m)^\\s*(%%?\\w*)$");

    private final Supplier<Evaluator> evaluator;
    private final Supplier<CellRunner> runner;

    EditorHandlers(Supplier<Evaluator> evaluator, Supplier<CellRunner> runner) {
        this.evaluator = evaluator;
        this.runner = runner;
    }

    static int toUtf16(String code, int codePoints) {
        int cp = Math.max(0, Math.min(codePoints, code.codePointCount(0, code.length())));
        return code.offsetByCodePoints(0, cp);
    }

    static int toCodePoints(String code, int utf16) {
        return code.codePointCount(0, Math.max(0, Math.min(utf16, code.length())));
    }

    void complete(Request r) {
        String code = r.content().path("code").asText("");
        int cursorCp = r.content().path("cursor_pos").asInt(code.codePointCount(0, code.length()));
        int cursor = toUtf16(code, cursorCp);
        ObjectNode c = Request.ok();
        ArrayNode matches = c.putArray("matches");
        ArrayNode types = c.putObject("metadata").putArray("_jupyter_types_experimental");
        String upToCursor = code.substring(0, cursor);
        Matcher m = MAGIC_PREFIX.matcher(upToCursor.substring(upToCursor.lastIndexOf('\n') + 1));
        int start;
        if (m.matches()) {
            String prefix = m.group(1);
            start = cursor - prefix.length();
            for (String name : runner.get().magicNames()) {
                if (name.startsWith(prefix)) {
                    matches.add(name);
                    types.addObject().put("text", name).put("type", "magic")
                            .put("start", toCodePoints(code, start)).put("end", cursorCp);
                }
            }
        } else {
            Evaluator.Completion comp = evaluator.get().complete(code, cursor);
            start = comp.start();
            List<String> ms = comp.matches();
            for (int i = 0; i < ms.size(); i++) {
                matches.add(ms.get(i));
                types.addObject().put("text", ms.get(i)).put("type", comp.types().get(i))
                        .put("start", toCodePoints(code, start)).put("end", cursorCp);
            }
        }
        c.put("cursor_start", toCodePoints(code, start));
        c.put("cursor_end", cursorCp);
        r.reply("complete_reply", c);
    }

    void inspect(Request r) {
        String code = r.content().path("code").asText("");
        int cursor = toUtf16(code, r.content().path("cursor_pos").asInt(code.codePointCount(0, code.length())));
        Optional<Evaluator.Documentation> doc = evaluator.get().inspect(code, cursor);
        ObjectNode c = Request.ok();
        c.put("found", doc.isPresent());
        ObjectNode data = c.putObject("data");
        doc.ifPresent(d -> {
            data.put("text/plain", d.plain());
            data.put("text/html", d.html());
        });
        c.putObject("metadata");
        r.reply("inspect_reply", c);
    }

    void isComplete(Request r) {
        String code = r.content().path("code").asText("");
        ObjectNode c = Request.ok();
        String last = code.strip();
        if (last.startsWith("%") && !last.contains("\n")) {
            c.put("status", "complete");
        } else {
            Evaluator.Completeness answer = evaluator.get().isComplete(code);
            c.put("status", answer.status());
            if (answer.status().equals("incomplete")) {
                c.put("indent", answer.indent());
            }
        }
        r.reply("is_complete_reply", c);
    }
}
