package org.mge4j.display;

/**
 * Where {@link Display#display}, {@link Progress} and {@link LiveChart} send their outputs. The Jupyter kernel
 * installs one with {@link Display#useSink} that publishes {@code display_data}, {@code update_display_data} and
 * {@code clear_output} for the running cell; display itself knows nothing of the wire protocol. Without a sink,
 * displays print their text and progress bars stay quiet unless a terminal is attached.
 */
public interface DisplaySink {
    /** Shows a new output below the current cell; returns its display id for {@link #update}. */
    String display(MimeBundle bundle);

    /** Replaces the output shown earlier under {@code displayId}. */
    void update(String displayId, MimeBundle bundle);

    /** Clears the current cell's output; with {@code wait}, only when the next output arrives (no flicker). */
    void clearOutput(boolean wait);

    /**
     * Whether the frontend of the current cell redraws an output in place on {@link #update} (Notebook,
     * JupyterLab, VS Code, nbclient), rather than ignoring updates (jupyter console). Progress bars and live
     * charts use updates when true and a carriage-return text line when false.
     */
    boolean updatesInPlace();
}
