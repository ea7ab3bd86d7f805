package org.mge4j.kernel.eval;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import org.mge4j.kernel.io.Cell;
import org.mge4j.kernel.io.CellThreadGroup;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * JShell's in-process engine with what a kernel needs on top:
 * <ul>
 *   <li>each snippet runs in a {@link CellThreadGroup}, so its output (and that of threads it starts) is routed to
 *       its cell, and {@link #stop()} reaches every thread of the cell;</li>
 *   <li>the live result object is kept ({@link #takeLastValue()}), not only its string;</li>
 *   <li>stop interrupts first (blocking calls end cleanly) and then stops the threads (busy loops end too);</li>
 *   <li>redefinition through {@link RedefinitionAgent}, so variables survive a redefined method or class.</li>
 * </ul>
 */
final class KernelExecutionControl extends LocalExecutionControl {
    private static final long GRACE_MILLIS = 250;

    private volatile Cell cell;
    private volatile CellThreadGroup group;
    private volatile Thread snippetThread;
    private volatile boolean stopRequested;
    private Object lastValue;
    private boolean hasValue;

    /** Sets the cell the next snippets belong to and clears a previous stop. */
    void prepare(Cell cell) {
        this.cell = cell;
        this.stopRequested = false;
    }

    /** Whether {@link #stop()} was called since {@link #prepare}. */
    boolean stopRequested() {
        return stopRequested;
    }

    /** Forgets the value of the previous snippet. */
    void clearLastValue() {
        lastValue = null;
        hasValue = false;
    }

    /** Whether the last snippet produced a value through invoke. */
    boolean hasValue() {
        return hasValue;
    }

    /** The live object the last snippet returned. */
    Object takeLastValue() {
        Object v = lastValue;
        lastValue = null;
        return v;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (stopRequested) {
            throw new ExecutionControl.StoppedException();
        }
        CellThreadGroup g = new CellThreadGroup(cell);
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(g, () -> {
            try {
                result[0] = doitMethod.invoke(null);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "cell-" + cell.executionCount());
        // as in jshell itself: code that looks classes up by name (Class.forName, ServiceLoader, trust by name in
        // Mge.load) finds the classes of earlier cells
        t.setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
        group = g;
        snippetThread = t;
        t.start();
        // join is not interruptible from the user's side: stop() ends the thread instead
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException ignored) {
                // the shell thread is never interrupted on purpose; keep waiting for the snippet
            }
        }
        snippetThread = null;
        Throwable f = failure[0];
        Throwable cause = f instanceof InvocationTargetException ite ? ite.getCause() : f;
        if (stopRequested && (cause instanceof ThreadDeath || cause instanceof InterruptedException
                || f instanceof ThreadDeath)) {
            throw new ExecutionControl.StoppedException();
        }
        if (f != null) {
            throw f instanceof Exception e ? e : new InvocationTargetException(f);
        }
        lastValue = result[0];
        hasValue = true;
        return valueString(result[0]);
    }

    @Override
    @SuppressWarnings({"removal", "deprecation"})
    public void stop() {
        stopRequested = true;
        CellThreadGroup g = group;
        Thread t = snippetThread;
        if (g == null || t == null) {
            return;
        }
        g.interrupt();
        try {
            t.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            try {
                g.stop();                       // JDK 17-19: ends busy loops; later JDKs refuse
            } catch (UnsupportedOperationException e) {
                t.interrupt();
            }
        }
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        Instrumentation inst = RedefinitionAgent.instrumentation();
        if (inst == null || !inst.isRedefineClassesSupported()) {
            throw new NotImplementedException("redefinition needs the kernel's agent (start it with java -jar)");
        }
        try {
            ClassDefinition[] defs = new ClassDefinition[cbcs.length];
            for (int i = 0; i < cbcs.length; i++) {
                defs[i] = new ClassDefinition(findClass(cbcs[i].name()), cbcs[i].bytecodes());
            }
            inst.redefineClasses(defs);
            classesRedefined(cbcs);
        } catch (Exception | LinkageError e) {
            // JShell answers this by loading fresh classes under new names, as with any engine
            throw new ClassInstallException("cannot redefine in place: " + e, new boolean[cbcs.length]);
        }
    }
}
