package org.mge4j.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The file tools stay a plain command line: no class of org.mge4j.kernel.cli refers to ZeroMQ or the kernel's protocol. */
class CliDependenciesTest {
    @Test
    void noCliClassRefersToZeroMqOrTheWireProtocol() throws Exception {
        Path dir = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("org/mge4j/kernel/cli");
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(classes.size() >= 10, "found " + classes);
        for (Path c : classes) {
            // class names in the constant pool are plain UTF-8, so a reference shows up as its internal name
            String pool = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
            for (String banned : List.of("org/zeromq", "zmq/", "org/mge4j/kernel/wire", "org/mge4j/kernel/protocol")) {
                assertFalse(pool.contains(banned), c.getFileName() + " refers to " + banned);
            }
        }
    }
}
