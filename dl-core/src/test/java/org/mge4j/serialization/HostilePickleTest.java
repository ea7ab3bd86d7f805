package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mge4j.Mge;

/** The hostile corpus (made by make_hostile.py with real Python pickle): every file is refused cleanly. */
class HostilePickleTest {
    static Path corpus() throws URISyntaxException {
        return Path.of(HostilePickleTest.class.getResource("hostile").toURI());
    }

    @TestFactory
    Stream<DynamicTest> everyHostileFileIsRefusedWithASerializationException() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus())) {
            files = s.sorted().toList();
        }
        assertTrue(files.size() >= 50, "corpus has " + files.size() + " files");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            SerializationException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(SerializationException.class, () -> Mge.load(f)));
            assertFalse(e.getMessage().contains("internal error"), f + ": " + e.getMessage());
            if (f.getFileName().toString().startsWith("os_system")) {
                assertInstanceOf(RefusedGlobalException.class, e);
                assertTrue(e.getMessage().contains("os.system") || e.getMessage().contains("posix.system"), e.getMessage());
            }
        }));
    }

    @Test
    void aRefusedGlobalNamesItselfAndSaysHowToTrustIt() {
        byte[] p = "\u0080\u0002cmymodel\nNet\n)R.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        RefusedGlobalException e = assertThrows(RefusedGlobalException.class, () -> Mge.load(new ByteArrayInputStream(p)));
        assertEquals("mymodel.Net", e.global());
        assertTrue(e.getMessage().contains("LoadOptions.builder().trust(\"mymodel.Net\")"), e.getMessage());
    }

    @Test
    void aTrustedGlobalLoadsAsAnInertRecord() {
        byte[] p = "\u0080\u0002cmymodel\nNet\nK\u0005\u0085R}X\u0001\u0000\u0000\u0000aK\u0001sb.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Object o = Mge.load(new ByteArrayInputStream(p), LoadOptions.builder().trust("mymodel.Net").build());
        PickledObject po = assertInstanceOf(PickledObject.class, o);
        assertEquals("mymodel.Net", po.global());
        assertEquals(List.of(5), po.args());
        assertEquals(Map.of("a", 1), po.state());
    }

    @Test
    void modulesThatRunProgramsCannotBeTrusted() {
        byte[] p = "\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000idtR.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        SerializationException e = assertThrows(SerializationException.class,
                () -> Mge.load(new ByteArrayInputStream(p), LoadOptions.builder().trust("os.system").build()));
        assertTrue(e.getMessage().contains("cannot be trusted"), e.getMessage());
    }

    @Test
    void sharedStructureIsKeptSharedSoBillionLaughsCostsNothing() {
        // 60 levels of [prev, prev]: 2^60 leaves if expanded; shared, it is 61 small lists.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2, 'X', 3, 0, 0, 0, 'l', 'o', 'l', 'r', 0, 0, 0, 0});
        for (int i = 1; i <= 60; i++) {
            b.writeBytes(new byte[] {']', '(', 'j', (byte) (i - 1), 0, 0, 0, 'j', (byte) (i - 1), 0, 0, 0, 'e', 'r', (byte) i, 0, 0, 0});
        }
        b.write('.');
        Object o = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Mge.load(new ByteArrayInputStream(b.toByteArray())));
        List<?> top = assertInstanceOf(List.class, o);
        assertTrue(top.get(0) == top.get(1), "the two halves are one shared list");
    }

    @Test
    void depthAndMemoLimitsAreEnforced() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        for (int i = 0; i < 20; i++) {
            b.write(']');
        }
        for (int i = 0; i < 19; i++) {
            b.write('a');
        }
        b.write('.');
        SerializationException e = assertThrows(SerializationException.class,
                () -> Mge.load(new ByteArrayInputStream(b.toByteArray()), LoadOptions.builder().maxDepth(10).build()));
        assertTrue(e.getMessage().contains("deeper than 10"), e.getMessage());
        byte[] memo = {(byte) 0x80, 4, 'N', (byte) 0x94, (byte) 0x94, (byte) 0x94, '.'};
        e = assertThrows(SerializationException.class,
                () -> Mge.load(new ByteArrayInputStream(memo), LoadOptions.builder().maxMemo(2).build()));
        assertTrue(e.getMessage().contains("maxMemo"), e.getMessage());
    }
}
