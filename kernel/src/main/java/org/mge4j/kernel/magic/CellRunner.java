package org.mge4j.kernel.magic;

import org.mge4j.kernel.eval.CellOutcome;
import org.mge4j.kernel.eval.Evaluator;
import org.mge4j.kernel.io.Cell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a cell that may contain magics: a first line {@code %%name args} makes the whole cell a cell magic;
 * lines starting with {@code %name} are line magics run in order between the Java parts. Java parts keep their
 * line numbers within the cell, so errors point at the right line.
 */
public final class CellRunner {
    private final Evaluator evaluator;
    private final Magics magics;

    /** A runner over an evaluator with the standard magics. */
    public CellRunner(Evaluator evaluator) {
        this.evaluator = evaluator;
        this.magics = new Magics(evaluator, this);
    }

    /** The names of all magics, for %lsmagic and completion. */
    public List<String> magicNames() {
        return magics.names();
    }

    /** Runs a whole cell. */
    public CellOutcome run(String code, Cell cell) {
        String trimmed = code.stripLeading();
        if (trimmed.startsWith("%%")) {
            int nl = trimmed.indexOf('\n');
            String head = (nl < 0 ? trimmed : trimmed.substring(0, nl)).substring(2).strip();
            String body = nl < 0 ? "" : trimmed.substring(nl + 1);
            return magics.cell(head, body, cell, out(cell));
        }
        String[] lines = code.split("\n", -1);
        StringBuilder java = new StringBuilder();
        int javaFirstLine = 0;
        CellOutcome last = new CellOutcome.Nothing();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String s = line.strip();
            if (s.startsWith("%") && !s.startsWith("%%") && s.length() > 1 && Character.isLetter(s.charAt(1))) {
                if (!java.toString().isBlank()) {
                    last = evaluator.run("\n".repeat(javaFirstLine) + java, cell);
                    if (last instanceof CellOutcome.Failure) {
                        return last;
                    }
                }
                java.setLength(0);
                javaFirstLine = i + 1;
                last = magics.line(s.substring(1), cell, out(cell));
                if (last instanceof CellOutcome.Failure) {
                    return last;
                }
            } else {
                java.append(line).append('\n');
            }
        }
        if (!java.toString().isBlank()) {
            last = evaluator.run("\n".repeat(javaFirstLine) + java, cell);
        }
        return last;
    }

    /** Runs Java code with magics, as %load and %time do for their argument. */
    CellOutcome runNested(String code, Cell cell) {
        return run(code, cell);
    }

    private static PrintStream out(Cell cell) {
        return new PrintStream(cell.stdout(), true, StandardCharsets.UTF_8);
    }
}
