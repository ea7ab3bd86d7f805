package org.mge4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: expected outputs kept under {@code src/test/resources/golden}, so a reviewer reads (and opens in a
 * browser) exactly what a notebook shows. {@code mvn test -Dgolden.update=true} rewrites them from the current
 * output; review the diff before committing.
 */
final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {
    }

    static void assertGolden(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                if (!Boolean.getBoolean("golden.update")) {
                    throw new AssertionError("golden file " + file + " did not exist; it was written now: review it");
                }
                return;
            }
            assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "differs from golden file " + file
                    + " (rerun with -Dgolden.update=true to accept the new output after reviewing it)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
