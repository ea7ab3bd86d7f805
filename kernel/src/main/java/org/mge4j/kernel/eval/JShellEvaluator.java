package org.mge4j.kernel.eval;

import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.StatementSnippet;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.mge4j.kernel.io.Cell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@link Evaluator} on JShell's API with the in-process {@link KernelExecutionControl}.
 * A cell is split into snippets with {@code analyzeCompletion} and evaluated one by one; the first failure ends
 * the cell. The value of a cell is the live object of its last snippet when that snippet is an expression.
 */
public final class JShellEvaluator implements Evaluator {
    private static final String STARTUP = "/org/mge4j/kernel/startup.jsh";
    private static final Pattern RESULT_NAME = Pattern.compile("\\$\\d+");

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final KernelExecutionControl control;
    private final Tracebacks tracebacks = new Tracebacks();
    private final List<String> startupWarnings = new ArrayList<>();
    private final List<Declared> results = new ArrayList<>();
    private final List<Declared> variables = new ArrayList<>();
    private final ReplClassFiles classFiles;

    /** A variable (a user's, or the {@code $N} JShell declares for an expression's value) and its wrapper class. */
    private record Declared(VarSnippet variable, String wrapper) {
    }

    /** Builds JShell, installs the exit guard and applies the startup imports that compile. */
    public JShellEvaluator(List<String> compilerOptions) {
        String warning = ExitGuard.install(RedefinitionAgent.instrumentation());
        if (warning != null) {
            startupWarnings.add(warning);
        }
        String heap = HeapGuard.install();
        if (heap != null) {
            startupWarnings.add(heap);
        }
        CellStop.quietWhenStopped();
        KernelExecutionControl[] made = new KernelExecutionControl[1];
        ExecutionControlProvider provider = new ExecutionControlProvider() {
            @Override
            public String name() {
                return "mge4j";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                made[0] = new KernelExecutionControl();
                return made[0];
            }
        };
        this.shell = JShell.builder()
                .executionEngine(provider, Map.of())
                .compilerOptions(compilerOptions.toArray(String[]::new))
                .build();
        this.analysis = shell.sourceCodeAnalysis();
        this.control = made[0];
        this.classFiles = ReplClassFiles.of(shell, RedefinitionAgent.instrumentation());
        applyStartup();
    }

    /** How many class files JShell's compiler keeps (see {@link ReplClassFiles}); -1 where they cannot be reached. */
    int keptClassFiles() {
        return classFiles.size();
    }

    /** Problems found while starting (to show in the kernel log). */
    public List<String> startupWarnings() {
        return startupWarnings;
    }

    private void applyStartup() {
        try (InputStream in = JShellEvaluator.class.getResourceAsStream(STARTUP)) {
            if (in == null) {
                startupWarnings.add("startup script " + STARTUP + " is missing from the kernel jar");
                return;
            }
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("//")).collect(Collectors.toList());
            for (String line : lines) {
                for (SnippetEvent e : shell.eval(line)) {
                    if (e.status() == Snippet.Status.REJECTED) {
                        shell.drop(e.snippet());        // package not on the classpath yet: skip quietly
                    }
                }
            }
        } catch (IOException e) {
            startupWarnings.add("cannot read the startup script: " + e.getMessage());
        }
    }

    @Override
    public CellOutcome run(String code, Cell cell) {
        dropEarlierResults(code);
        control.prepare(cell);
        String remaining = code;
        int consumed = 0;
        CellOutcome outcome = new CellOutcome.Nothing();
        List<VarSnippet> declared = new ArrayList<>();
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String source;
            String rest;
            if (info.completeness().isComplete()) {
                source = info.source();
                rest = info.remaining();
            } else {
                source = remaining;             // incomplete: let the compiler say what is missing
                rest = "";
            }
            // JShell measures diagnostics from the start of the source, stack lines from its first non-blank line
            int start = consumed + leadingOffset(remaining, source);
            int firstLine = lineOf(code, start + source.length() - source.stripLeading().length());
            control.clearLastValue();
            int invoked = control.invocations();
            List<SnippetEvent> events = shell.eval(source);
            String wrapper = control.wrapperInvokedSince(invoked);
            if (control.stopRequested()) {
                return interrupted();
            }
            for (SnippetEvent e : events) {
                if (e.causeSnippet() != null) {
                    continue;                   // updates of dependent snippets
                }
                Snippet s = e.snippet();
                tracebacks.remember(s.id(), cell.executionCount(), firstLine);
                if (e.status() == Snippet.Status.REJECTED) {
                    List<jdk.jshell.Diag> diags = shell.diagnostics(s).collect(Collectors.toList());
                    shell.drop(s);
                    return Tracebacks.compileError(code, start, cell.executionCount(), diags);
                }
                if (s instanceof VarSnippet v) {
                    (s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND ? results : variables)
                            .add(new Declared(v, wrapper));
                } else if (s instanceof StatementSnippet || s instanceof ExpressionSnippet) {
                    classFiles.forget(wrapper);         // ran; nothing can name it
                }
                if (e.exception() != null) {
                    CellOutcome.Failure failure = tracebacks.exception(e.exception());
                    return control.releasedVariables() ? dropAfterOutOfMemory(failure, declared) : failure;
                }
                if (s instanceof VarSnippet v && s.subKind() != Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
                    declared.add(v);
                }
                Object value = control.hasValue() ? control.takeLastValue() : null;
                outcome = isExpression(s) && control.hasValue() && !"void".equals(typeOf(s)) && !isConsole(value)
                        ? new CellOutcome.Value(value) : new CellOutcome.Nothing();
            }
            consumed += remaining.length() - rest.length();
            remaining = rest;
        }
        return outcome;
    }

    /**
     * Drops the {@code $N} variables of earlier cells, except those {@code code} names. JShell keeps the value of
     * every expression in such a variable, and every later snippet is compiled with an import of each one: after a
     * thousand cells, each cell compiled two to three times slower and every value shown stayed reachable (a large
     * tensor too). Only the previous cell's {@code $N} can be named by the next cell (JShell numbers them by snippet,
     * not by {@code Out[n]}), and one that a cell names is kept for good, since later code may depend on it.
     */
    private void dropEarlierResults(String code) {
        Set<String> named = RESULT_NAME.matcher(code).results().map(MatchResult::group).collect(Collectors.toSet());
        for (Declared r : results) {
            if (named.contains(r.variable().name())) {
                variables.add(r);
            } else if (shell.status(r.variable()).isActive()) {
                shell.drop(r.variable());
                control.clearVariables(r.wrapper());
                classFiles.forget(r.wrapper());
            }
        }
        results.clear();
        // a redeclared (or dropped) variable's class is not compiled against any more; its value stays, as in
        // JShell, since code of earlier cells may still read it
        variables.removeIf(v -> {
            boolean gone = !shell.status(v.variable()).isActive();
            if (gone) {
                classFiles.forget(v.wrapper());
            }
            return gone;
        });
    }

    /**
     * A cell that ran out of heap has had its variables set to null (so the kernel has memory to go on); the cell's
     * declarations are dropped too, so no variable is left silently null, and the error says so.
     */
    private CellOutcome.Failure dropAfterOutOfMemory(CellOutcome.Failure failure, List<VarSnippet> declared) {
        declared.forEach(shell::drop);
        String names = declared.stream().map(VarSnippet::name).collect(Collectors.joining(", "));
        String note = declared.isEmpty() ? "the heap was freed; variables of earlier cells are kept"
                : "to give the memory back, the variables this cell declared were dropped (" + names
                        + "); variables of earlier cells are kept";
        List<String> lines = new ArrayList<>(failure.traceback());
        lines.add(note);
        return new CellOutcome.Failure(failure.ename(), failure.evalue(), lines);
    }

    private static CellOutcome.Failure interrupted() {
        return new CellOutcome.Failure("Interrupted", "the cell was interrupted; earlier variables are kept",
                List.of("\u001b[31mInterrupted\u001b[0m: the cell was stopped by an interrupt request;"
                        + " variables defined before it are kept"));
    }

    /**
     * {@code System.out.printf(...)} and {@code format} return the stream itself; shown as a result it would add a
     * meaningless {@code java.io.PrintStream@1a2b} line under the printed text, so it is treated as no value.
     */
    private static boolean isConsole(Object value) {
        return value != null && (value == System.out || value == System.err);
    }

    private static boolean isExpression(Snippet s) {
        return s instanceof ExpressionSnippet
                || (s instanceof VarSnippet && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    private static String typeOf(Snippet s) {
        return s instanceof ExpressionSnippet es ? es.typeName() : s instanceof VarSnippet vs ? vs.typeName() : "";
    }

    /** Offset in {@code remaining} where {@code source} (JShell's positions are relative to it) begins. */
    private static int leadingOffset(String remaining, String source) {
        String head = source.strip();
        head = head.substring(0, Math.min(head.length(), 16));
        int at = head.isEmpty() ? -1 : remaining.indexOf(head);
        if (at >= 0) {
            return Math.max(0, at - source.indexOf(head));
        }
        int i = 0;
        while (i < remaining.length() && Character.isWhitespace(remaining.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, code.length()); i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    @Override
    public void interrupt() {
        control.stop();
    }

    @Override
    public Completion complete(String code, int cursor) {
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(code, cursor, anchor);
        List<SourceCodeAnalysis.Suggestion> ordered = new ArrayList<>(suggestions);
        ordered.sort((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()));
        Set<String> seen = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : ordered) {
            seen.add(s.continuation());
        }
        List<String> matches = new ArrayList<>(seen);
        List<String> types = matches.stream().map(m -> m.endsWith("(") || m.endsWith("()") ? "method"
                : !m.isEmpty() && Character.isUpperCase(m.charAt(0)) ? "class" : "variable").collect(Collectors.toList());
        return new Completion(matches, types, anchor[0]);
    }

    @Override
    public Optional<Documentation> inspect(String code, int cursor) {
        int end = Math.min(cursor, code.length());
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        String upTo = code.substring(0, end);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(upTo, end, true);
        if (docs.isEmpty()) {
            docs = analysis.documentation(upTo + "(", end + 1, true);
        }
        if (docs.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            plain.append(d.signature()).append('\n');
            html.append("<pre>").append(escape(d.signature())).append("</pre>");
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                plain.append(d.javadoc().strip()).append("\n\n");
                html.append("<div>").append(d.javadoc().strip()).append("</div>");
            }
        }
        return Optional.of(new Documentation(plain.toString().strip(), html.toString()));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public Completeness isComplete(String code) {
        String rest = code;
        while (true) {
            if (rest.isBlank()) {
                return new Completeness("complete", "");
            }
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> rest = info.remaining();
                case EMPTY -> {
                    return new Completeness("complete", "");
                }
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return new Completeness("incomplete", indentAfter(code));
                }
                default -> {
                    return new Completeness("invalid", "");
                }
            }
        }
    }

    private static String indentAfter(String code) {
        String last = code.substring(code.lastIndexOf('\n') + 1);
        String indent = last.substring(0, last.length() - last.stripLeading().length());
        String t = last.strip();
        return t.endsWith("{") || t.endsWith("(") ? indent + "    " : indent;
    }

    @Override
    public List<String> variables() {
        return shell.variables().filter(v -> shell.status(v).isActive())
                .map(v -> v.typeName() + " " + v.name() + " = " + shell.varValue(v)).collect(Collectors.toList());
    }

    @Override
    public List<String> imports() {
        return shell.imports().filter(i -> shell.status(i).isActive()).map(i -> i.source().strip())
                .collect(Collectors.toList());
    }

    @Override
    public void addToClasspath(String path) {
        shell.addToClasspath(path);
    }

    /** Splits the value of MGE4J_COMPILER_OPTS into javac options. */
    public static List<String> compilerOptionsFrom(String env) {
        return env == null || env.isBlank() ? List.of() : Arrays.asList(env.strip().split("\\s+"));
    }

    @Override
    public void close() {
        shell.close();
    }
}
