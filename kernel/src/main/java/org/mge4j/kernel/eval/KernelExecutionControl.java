package org.mge4j.kernel.eval;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import org.mge4j.kernel.io.Cell;
import org.mge4j.kernel.io.CellThreadGroup;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * JShell's in-process engine ({@link DirectExecutionControl}) with what a kernel needs on top, the same on every
 * JDK from 17 on (nothing here uses Thread.stop or a SecurityManager):
 * <ul>
 *   <li>every class a cell defines is woven with stop checks ({@link CellClassWeaver}) before it loads;</li>
 *   <li>each snippet runs on its own thread in a {@link CellThreadGroup}, so its output (and that of threads it
 *       starts) is routed to its cell;</li>
 *   <li>{@link #stop()} puts a stop in force ({@link CellStop}) and interrupts every cell thread: busy loops in
 *       cell code end at their next iteration, blocking calls (sleep, wait, queues) at once;</li>
 *   <li>the live result object is kept ({@link #takeLastValue()}), not only its string;</li>
 *   <li>a snippet that runs out of heap releases the variables of its cell (see {@link #releasedVariables()});</li>
 *   <li>redefinition through {@link RedefinitionAgent}, so variables survive a redefined method or class.</li>
 * </ul>
 */
final class KernelExecutionControl extends DirectExecutionControl {
    private volatile Cell cell;
    private volatile boolean stopRequested;
    private final List<String> cellWrappers = new ArrayList<>();
    private boolean released;
    private Object lastValue;
    private boolean hasValue;

    /** Sets the cell the next snippets belong to and clears a previous stop. */
    void prepare(Cell cell) {
        this.cell = cell;
        this.stopRequested = false;
        this.cellWrappers.clear();
        this.released = false;
    }

    /** Whether {@link #stop()} was called since {@link #prepare}. */
    boolean stopRequested() {
        return stopRequested;
    }

    /** Whether the cell ran out of heap and its variables were set to null to give the memory back. */
    boolean releasedVariables() {
        return released;
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
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException,
            EngineTerminationException {
        super.load(woven(cbcs));
    }

    private static ClassBytecodes[] woven(ClassBytecodes[] cbcs) {
        ClassBytecodes[] out = new ClassBytecodes[cbcs.length];
        for (int i = 0; i < cbcs.length; i++) {
            out[i] = new ClassBytecodes(cbcs[i].name(), CellClassWeaver.weave(cbcs[i].bytecodes()));
        }
        return out;
    }

    @Override
    public String invoke(String className, String methodName) throws RunException, InternalException,
            EngineTerminationException {
        cellWrappers.add(className);            // the snippet's wrapper class holds the variable it declares
        return super.invoke(className, methodName);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (stopRequested) {
            throw new ExecutionControl.StoppedException();
        }
        CellStop.clear();
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(new CellThreadGroup(cell), () -> {
            try {
                result[0] = doitMethod.invoke(null);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "cell-" + cell.executionCount());
        // as in jshell itself: code that looks classes up by name (Class.forName, ServiceLoader, trust by name in
        // Mge.load) finds the classes of earlier cells
        t.setContextClassLoader(doitMethod.getDeclaringClass().getClassLoader());
        t.start();
        // the shell thread is never interrupted on purpose: keep waiting; stop() ends the snippet thread instead
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException ignored) {
                // keep waiting for the snippet
            }
        }
        Throwable f = failure[0];
        Throwable cause = f instanceof InvocationTargetException ite ? ite.getCause() : f;
        if (cause instanceof OutOfMemoryError) {
            releaseCellVariables();
        }
        if (cause instanceof CellStop.Stopped || (stopRequested && cause instanceof InterruptedException)) {
            throw new ExecutionControl.StoppedException();
        }
        if (f != null) {
            throw f instanceof Exception e ? e : new InvocationTargetException(f);
        }
        lastValue = result[0];
        hasValue = true;
        // JShell wants a string for its own event; the kernel shows the live object, so the value's toString (user
        // code, maybe slow: a large tensor) is not run a second time here
        return result[0] == null ? "null" : result[0].getClass().getName();
    }

    /**
     * Sets the variables this cell declared to null and collects, so that a cell that filled the heap gives the
     * memory back (the kernel's own threads need it to answer the next request). Variables of earlier cells are kept.
     */
    private void releaseCellVariables() {
        for (String wrapper : cellWrappers) {
            released |= clearVariables(wrapper);
        }
        giveHeapBack();
    }

    /**
     * Full collections until the heap stops shrinking. G1 shrinks at the first (and hands the pages back from its
     * own thread within about a second); the serial collector damps shrinking over successive full collections
     * (nothing, then 10 %, 40 %, all), so it takes four, ~50 ms each on a kernel's heap.
     */
    private static void giveHeapBack() {
        long committed = Runtime.getRuntime().totalMemory();
        for (int i = 0; i < 4; i++) {
            System.gc();
            long now = Runtime.getRuntime().totalMemory();
            if (i > 0 && now >= committed) {
                return;
            }
            committed = now;
        }
    }

    /** How many snippets this cell has invoked so far; a mark for {@link #wrapperInvokedSince}. */
    int invocations() {
        return cellWrappers.size();
    }

    /**
     * The wrapper class (which holds the variable a snippet declares) of the last snippet invoked after {@code mark};
     * null when none was, so a snippet JShell did not run is never taken for the one before it.
     */
    String wrapperInvokedSince(int mark) {
        return cellWrappers.size() > mark ? cellWrappers.get(cellWrappers.size() - 1) : null;
    }

    /**
     * Sets the variables (static fields) of a snippet's wrapper class to null, so that what they held can be
     * collected; JShell's drop forgets a variable but its class, loaded for good, keeps the value.
     */
    boolean clearVariables(String wrapper) {
        boolean cleared = false;
        if (wrapper == null) {
            return false;
        }
        try {
            for (Field field : findClass(wrapper).getDeclaredFields()) {
                int m = field.getModifiers();
                if (Modifier.isStatic(m) && !Modifier.isFinal(m) && !field.getType().isPrimitive()) {
                    field.setAccessible(true);
                    field.set(null, null);
                    cleared = true;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a wrapper without variables, or one JShell replaced: nothing to clear
        }
        return cleared;
    }

    @Override
    public void stop() {
        stopRequested = true;
        CellStop.request();
        CellThreadGroup.interruptAll();
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        Instrumentation inst = RedefinitionAgent.instrumentation();
        if (inst == null || !inst.isRedefineClassesSupported()) {
            throw new NotImplementedException("redefinition needs the kernel's agent (start it with java -jar)");
        }
        ClassBytecodes[] woven = woven(cbcs);
        try {
            ClassDefinition[] defs = new ClassDefinition[woven.length];
            for (int i = 0; i < woven.length; i++) {
                defs[i] = new ClassDefinition(findClass(woven[i].name()), woven[i].bytecodes());
            }
            inst.redefineClasses(defs);
            classesRedefined(woven);
        } catch (Exception | LinkageError e) {
            // JShell answers this by loading fresh classes under new names, as with any engine
            throw new ClassInstallException("cannot redefine in place: " + e, new boolean[cbcs.length]);
        }
    }
}
