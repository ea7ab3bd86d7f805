package org.mge4j.kernel.eval;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;
import jdk.jshell.UnresolvedReferenceException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formats compile errors and exceptions in the user's terms: cell numbers and line numbers of the cell,
 * a caret under the error, and stack traces cut down to the frames of the user's own code.
 */
final class Tracebacks {
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";
    private static final Pattern WRAPPER = Pattern.compile("^REPL\\.\\$JShell\\$\\d+[A-Z]*\\$?");

    /** Where a snippet came from: cell number and the cell line its first line is on (1-based). */
    record Origin(int executionCount, int firstLine) {
    }

    private final Map<String, Origin> origins = new ConcurrentHashMap<>();

    /** Remembers where the snippet with this id starts. */
    void remember(String snippetId, int executionCount, int firstLine) {
        origins.put(snippetId, new Origin(executionCount, firstLine));
    }

    /** Traceback lines for a rejected snippet, each diagnostic with its line and a caret. */
    static CellOutcome.Failure compileError(String cellCode, int snippetStart, int executionCount, List<Diag> diags) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : diags) {
            if (!d.isError()) {
                continue;
            }
            String msg = d.getMessage(Locale.ROOT).replaceAll("(?m)^\\s*location:.*$", "").strip();
            if (first == null) {
                first = msg;
            }
            long pos = d.getPosition() >= 0 ? d.getPosition() : Math.max(0, d.getStartPosition());
            int abs = (int) Math.min(cellCode.length(), snippetStart + pos);
            int lineStart = cellCode.lastIndexOf('\n', abs - 1) + 1;
            int lineEnd = cellCode.indexOf('\n', abs);
            if (lineEnd < 0) {
                lineEnd = cellCode.length();
            }
            int lineNo = 1 + (int) cellCode.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            lines.add(BOLD + RED + "Compile error" + RESET + " in In[" + executionCount + "] line " + lineNo + ": "
                    + msg);
            lines.add("    " + cellCode.substring(lineStart, lineEnd));
            lines.add("    " + " ".repeat(Math.max(0, abs - lineStart)) + RED + "^" + RESET);
        }
        if (first == null) {
            first = "the code could not be compiled";
            lines.add(first);
        }
        return new CellOutcome.Failure("CompileError", first, lines);
    }

    /** A failure for an exception thrown by user code, trimmed to the user's frames. */
    CellOutcome.Failure exception(JShellException ex) {
        String ename;
        if (ex instanceof EvalException ee) {
            ename = ee.getExceptionClassName();
        } else if (ex instanceof UnresolvedReferenceException) {
            ename = "UnresolvedReferenceException";
        } else {
            ename = ex.getClass().getName();
        }
        String evalue = ex.getMessage() == null ? "" : ex.getMessage();
        if (ex instanceof UnresolvedReferenceException ure) {
            evalue = ure.getSnippet().toString().contains("MethodSnippet")
                    ? "a method used here refers to something not yet declared: " + ure.getSnippet().source().strip()
                    : "refers to something not yet declared: " + ure.getSnippet().source().strip();
        }
        List<String> lines = new ArrayList<>();
        lines.add(RED + BOLD + ename + RESET + (evalue.isEmpty() ? "" : ": " + evalue));
        addFrames(ex.getStackTrace(), lines);
        Throwable cause = ex.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            String cname = cause instanceof EvalException ce ? ce.getExceptionClassName() : cause.getClass().getName();
            lines.add("Caused by: " + cname + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            addFrames(cause.getStackTrace(), lines);
        }
        return new CellOutcome.Failure(ename, evalue, lines);
    }

    private void addFrames(StackTraceElement[] frames, List<String> lines) {
        int lastUser = -1;
        for (int i = 0; i < frames.length; i++) {
            if (isUser(frames[i])) {
                lastUser = i;
            }
        }
        int end = lastUser >= 0 ? lastUser + 1 : Math.min(frames.length, 8);
        for (int i = 0; i < end; i++) {
            if (frames[i].getClassName().startsWith("org.mge4j.kernel.")) {
                continue;                       // the kernel's own guards are noise to the user
            }
            lines.add("    at " + describe(frames[i]));
        }
    }

    private static boolean isUser(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#");
    }

    private String describe(StackTraceElement f) {
        if (!isUser(f)) {
            return f.toString();
        }
        Matcher m = WRAPPER.matcher(f.getClassName());
        String cls = m.replaceFirst("");
        String method = f.getMethodName().equals("do_it$") ? "<cell>" : f.getMethodName();
        String where = cls.isEmpty() ? method : cls + "." + method;
        Origin o = origins.get(f.getFileName().substring(1));
        if (o == null) {
            return where + "(" + f.getFileName() + ":" + f.getLineNumber() + ")";
        }
        return where + "(In[" + o.executionCount() + "] line " + (o.firstLine() + f.getLineNumber() - 1) + ")";
    }
}
