package org.mge4j.display;

import java.util.Locale;

/**
 * How live outputs (progress bars, live charts) show themselves here and now: redrawn in place through the
 * {@link DisplaySink} (notebooks), as a carriage-return text line (jupyter console, a terminal), or not at all
 * (tests, pipes, batch jobs). {@code -Dmge4j.progress=html|text|off} or {@code MGE4J_PROGRESS} overrides it.
 */
enum OutputMode {
    IN_PLACE, TEXT, OFF;

    static OutputMode current() {
        String forced = System.getProperty("mge4j.progress", System.getenv("MGE4J_PROGRESS"));
        DisplaySink sink = Display.sink();
        if (forced != null && !forced.isBlank()) {
            switch (forced.strip().toLowerCase(Locale.ROOT)) {
                case "html", "in-place", "inplace" -> {
                    return sink == null ? OFF : IN_PLACE;
                }
                case "text" -> {
                    return TEXT;
                }
                case "off", "none", "0", "false" -> {
                    return OFF;
                }
                default -> throw new IllegalArgumentException("mge4j.progress / MGE4J_PROGRESS must be html, text or "
                        + "off, got '" + forced + "'");
            }
        }
        if (sink != null) {
            return sink.updatesInPlace() ? IN_PLACE : TEXT;
        }
        return System.console() != null ? TEXT : OFF;
    }
}
