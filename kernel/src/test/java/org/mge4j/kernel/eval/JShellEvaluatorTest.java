package org.mge4j.kernel.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mge4j.kernel.io.Cell;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long session stays as cheap as a short one: what JShell would keep of every cell for good (the {@code $N}
 * value of each expression, the class file of every snippet) is let go once nothing can name it, and everything a
 * user can still name keeps working. In-process (the surefire JVM opens {@code jdk.jshell} to the kernel the way
 * the kernel's agent does in a real kernel).
 */
class JShellEvaluatorTest {
    private static JShellEvaluator evaluator;
    private static int count;

    @BeforeAll
    static void start() {
        evaluator = new JShellEvaluator(List.of());
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static CellOutcome run(String code) {
        count++;
        return evaluator.run(code, new Cell(null, count, false, true, null, null, "test", Long.MAX_VALUE));
    }

    private static Object value(String code) {
        CellOutcome outcome = run(code);
        return assertInstanceOf(CellOutcome.Value.class, outcome, outcome.toString()).value();
    }

    private static String resultName() {
        return evaluator.variables().stream().filter(v -> v.contains(" $")).reduce((a, b) -> b).orElseThrow()
                .replaceAll("^\\S+ (\\$\\d+) = .*$", "$1");
    }

    @Test
    void theNextCellCanNameTheValueOfAnExpressionAndThenItIsKept() {
        assertEquals(42, value("40 + 2"));
        String name = resultName();
        assertEquals(43, value(name + " + 1"));
        run("int unrelated = 0;");
        run("unrelated++;");
        assertEquals(84, value(name + " * 2"), "a $N a cell named stays for good");
    }

    @Test
    void theValueOfAnExpressionIsLetGoAfterTheNextCell() {
        run("java.lang.ref.WeakReference<Object>[] probe = new java.lang.ref.WeakReference[1];");
        run("Object fresh() { Object v = new byte[1 << 20]; probe[0] = new java.lang.ref.WeakReference<>(v); return v; }");
        assertEquals(byte[].class, value("fresh()").getClass());
        run("int after = 1;");
        assertEquals(true, value("System.gc(); probe[0].get() == null"),
                "the shown value is no longer held by JShell's $N variable");
    }

    @Test
    void classFilesOfFinishedSnippetsAreForgottenAndDeclarationsStillWork() {
        assertTrue(evaluator.keptClassFiles() >= 0, "JShell's class files cannot be reached on this JDK");
        run("class Counter { int n; int next() { return ++n; } }");
        run("Counter counter = new Counter();");
        run("int twice(int x) { return 2 * x; }");
        for (int i = 0; i < 20; i++) {
            run("counter.next(); 1 + 1");
            run("int redeclared = " + i + ";");
        }
        int kept = evaluator.keptClassFiles();
        for (int i = 0; i < 200; i++) {
            run("counter.next()");
            run("System.out.print(\"\");");
            run("int redeclared = " + i + ";");
        }
        assertTrue(evaluator.keptClassFiles() <= kept + 2,
                "class files kept grew from " + kept + " to " + evaluator.keptClassFiles() + " over 600 snippets");
        assertEquals(220, value("counter.n"));
        assertEquals(5, value("int q = 5; q"));
        assertEquals(6, value("q + 1"), "a variable read back in the cell that declared it stays declared");
        assertEquals(7, value("int r = 7; r = r; r"));
        assertEquals(8, value("r + 1"));
        assertEquals(398, value("twice(redeclared)"));
        run("class Counter { int n = 100; int next() { return n += 10; } }");
        assertEquals(110, value("new Counter().next()"), "a class redefined after its old class files were kept");
    }
}
