package org.mge4j.kernel.eval;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class CellClassWeaverTest {

    /** Stands in for a class a cell defines. */
    public static final class Spin {
        public static long count;

        public static void forever() {
            while (true) {
                count++;
            }
        }

        public static int sum(int n) {
            int s = 0;
            for (int i = 0; i < n; i++) {
                s += i;
            }
            return s;
        }
    }

    @AfterEach
    void clearStop() {
        CellStop.clear();
    }

    private static byte[] bytesOf(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Class<?> defineWoven(Class<?> c) throws IOException {
        byte[] woven = CellClassWeaver.weave(bytesOf(c));
        return new ClassLoader(CellClassWeaverTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(c.getName(), woven, 0, woven.length);
            }
        }.define();
    }

    @Test
    void aWovenBusyLoopEndsWhenAStopIsRequested() throws Exception {
        Class<?> spin = defineWoven(Spin.class);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                spin.getMethod("forever").invoke(null);
            } catch (java.lang.reflect.InvocationTargetException e) {
                ended.set(e.getCause());
            } catch (ReflectiveOperationException e) {
                ended.set(e);
            }
        });
        t.start();
        Thread.sleep(200);
        assertTrue(t.isAlive());
        CellStop.request();
        t.join(1000);
        assertFalse(t.isAlive(), "the woven loop did not stop");
        assertInstanceOf(CellStop.Stopped.class, ended.get());
    }

    @Test
    void wovenCodeComputesTheSameWhileNoStopIsRequested() throws Exception {
        Class<?> spin = defineWoven(Spin.class);
        assertEquals(Spin.sum(1000), spin.getMethod("sum", int.class).invoke(null, 1000));
    }

    @Test
    void aClassFromAJdkNewerThanAsmKeepsItsVersionAndGetsItsChecks() throws IOException {
        byte[] future = bytesOf(Spin.class);
        future[6] = 0;
        future[7] = (byte) 200;                 // class file major version 200: no ASM knows it
        byte[] woven = CellClassWeaver.weave(future);
        assertEquals(200, ((woven[6] & 0xff) << 8) | (woven[7] & 0xff));
        assertTrue(new String(woven, StandardCharsets.ISO_8859_1).contains("org/mge4j/kernel/eval/CellStop"));
    }
}
