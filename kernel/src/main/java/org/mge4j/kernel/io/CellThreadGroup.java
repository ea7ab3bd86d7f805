package org.mge4j.kernel.io;

/** The thread group of a cell's code; threads the cell starts inherit it and so write to the same cell. */
public final class CellThreadGroup extends ThreadGroup {
    private final Cell cell;

    /** A group for one snippet invocation of a cell. */
    public CellThreadGroup(Cell cell) {
        super("mge4j-cell-" + cell.executionCount());
        this.cell = cell;
    }

    /** The cell this group belongs to. */
    public Cell cell() {
        return cell;
    }
}
