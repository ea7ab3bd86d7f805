package org.mge4j.display;

import java.util.Arrays;

/** The text every value has: {@code toString()}, with arrays spelled out ({@code [1, 2, 3]}) and null as "null". */
final class PlainText {
    private PlainText() {
    }

    static String of(Object value) {
        if (value == null) {
            return "null";
        }
        if (value.getClass().isArray()) {
            String deep = Arrays.deepToString(new Object[] {value});
            return deep.substring(1, deep.length() - 1);
        }
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            // a cell's result must show something even when its toString is broken
            return "<" + value.getClass().getName() + ": toString() failed: " + e + ">";
        }
    }
}
