package org.mge4j.kernel.display;

import java.util.Arrays;
import java.util.Map;

/** The default bridge: {@code text/plain} from {@code toString()}, arrays spelled out like {@code [1, 2, 3]}. */
public final class TextDisplayBridge implements DisplayBridge {

    @Override
    public Map<String, Object> render(Object value) {
        return Map.of("text/plain", text(value));
    }

    /** The plain text of a value as JShell would print it, without quotes around strings. */
    public static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value.getClass().isArray()) {
            String deep = Arrays.deepToString(new Object[] {value});
            return deep.substring(1, deep.length() - 1);
        }
        return String.valueOf(value);
    }
}
