package org.mge4j.kernel.io;

/**
 * The thread group of a cell's code; threads the cell starts inherit it and so write to the same cell. Every cell's
 * group hangs under one parent, so an interrupt can reach every thread that cells started.
 */
public final class CellThreadGroup extends ThreadGroup {
    private static final ThreadGroup ALL_CELLS = new ThreadGroup("mge4j-cells");

    private final Cell cell;

    /** A group for one snippet invocation of a cell. */
    public CellThreadGroup(Cell cell) {
        super(ALL_CELLS, "mge4j-cell-" + cell.executionCount());
        this.cell = cell;
    }

    /** The cell this group belongs to. */
    public Cell cell() {
        return cell;
    }

    /** Interrupts every live thread of every cell: the running one's and those earlier cells left running. */
    public static void interruptAll() {
        ALL_CELLS.interrupt();
    }
}
