package org.mge4j.kernel.protocol;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.kernel.wire.Message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a cell cannot do to the kernel, on whatever JDK runs the tests (17 and 25 in install/test.sh): an interrupt
 * stops any loop or wait within a second, exit and halt are refused, a cell that fills the heap gives the memory
 * back; in every case the kernel answers the next cell with its earlier variables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class CellControlTest {
    KernelProcess kernel;
    TestClient client;

    @BeforeAll
    void start() throws Exception {
        kernel = new KernelProcess(Files.createTempDirectory("mge4j-data"));
        client = new TestClient(kernel);
        client.waitForReady(30_000);
        client.execute("int kept = 41; String name = \"before\";");
        client.execute("class Spinner { long spins; void spin() { while (true) { spins++; } } }");
        client.execute("void exitFromMethod() { System.exit(7); }");
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        kernel.close();
    }

    /** Runs code, interrupts it after a while, and returns the milliseconds from interrupt to reply. */
    private long interruptAfter(String code, long runMillis) throws InterruptedException {
        String id = client.send(client.shell, client.request("execute_request", client.executeContent(code)));
        Thread.sleep(runMillis);
        long t0 = System.nanoTime();
        interrupt();
        Message reply = client.replyTo(client.shell, id, 10_000);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        client.iopubUntilIdle(id, 5_000);
        assertEquals("error", reply.content().path("status").asText(), reply.content().toString());
        assertEquals("Interrupted", reply.content().path("ename").asText(), reply.content().toString());
        return millis;
    }

    private void interrupt() {
        String id = client.send(client.control, client.request("interrupt_request", TestClient.JSON.createObjectNode()));
        assertEquals("ok", client.replyTo(client.control, id, 5_000).content().path("status").asText());
    }

    private void assertStateKept() {
        assertEquals("42", client.execute("kept + 1").result());
        assertEquals("before", client.execute("name").result());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "while (true) {}",
        "long x = 0; for (;;) x++;",
        "new Spinner().spin();",
        "Thread.sleep(1_000_000);",
        "do { Math.sqrt(2); } while (kept > 0);",
        "java.util.stream.IntStream.iterate(0, i -> i + 1).forEach(i -> { while (i >= 0) i++; });",
        "Object lock = new Object(); synchronized (lock) { lock.wait(); }",
        "new java.util.concurrent.LinkedBlockingQueue<String>().take();",
    })
    void interruptStopsTheCellWithinOneSecondAndKeepsEarlierVariables(String code) throws Exception {
        long millis = interruptAfter(code, 600);
        assertTrue(millis < 1000, "the interrupt took " + millis + " ms for: " + code);
        assertStateKept();
    }

    @Test
    void aLoopThatCatchesEveryThrowableStillStops() throws Exception {
        long millis = interruptAfter("while (true) { try { Thread.sleep(5); } catch (Throwable t) { } }", 600);
        assertTrue(millis < 1000, "the interrupt took " + millis + " ms");
        assertStateKept();
    }

    @Test
    void interruptStopsAThreadTheCellStartedAndWaitsFor() throws Exception {
        client.execute("Thread joined = new Thread(() -> { long y = 0; while (true) y++; });");
        long millis = interruptAfter("joined.start(); joined.join();", 600);
        assertTrue(millis < 1000, "the interrupt took " + millis + " ms");
        Thread.sleep(100);
        assertEquals("false", client.execute("joined.isAlive()").result());
        assertStateKept();
    }

    @Test
    void interruptWhileIdleStopsABusyThreadAnEarlierCellLeftRunning() throws Exception {
        TestClient.Execution started = client.execute(
                "Thread runaway = new Thread(() -> { long y = 0; while (true) y++; }); runaway.start();");
        assertEquals("ok", started.status());
        assertEquals("true", client.execute("runaway.isAlive()").result());
        interrupt();
        Thread.sleep(300);
        assertEquals("false", client.execute("runaway.isAlive()").result());
        assertStateKept();
    }

    @Test
    void aValueWhoseToStringLoopsForeverIsStoppedByAnInterrupt() throws Exception {
        client.execute("class Endless { public String toString() { while (true) { } } }");
        long millis = interruptAfter("new Endless()", 600);
        assertTrue(millis < 1000, "the interrupt took " + millis + " ms");
        assertStateKept();
    }

    @Test
    void aValueWhoseToStringFailsIsAnErrorOfTheCellNotOfTheKernel() {
        client.execute("class Broken { public String toString() { return toString(); } }");
        TestClient.Execution ex = client.execute("new Broken()");
        assertEquals("error", ex.status());
        assertTrue(ex.reply().content().path("evalue").asText().contains("StackOverflowError"),
                ex.reply().content().toString());
        assertStateKept();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "System.exit(0);",
        "Runtime.getRuntime().exit(1);",
        "Runtime.getRuntime().halt(2);",
        "exitFromMethod();",
        "System.class.getMethod(\"exit\", int.class).invoke(null, 3);",
        "java.util.function.IntConsumer quit = System::exit; quit.accept(4);",
    })
    void exitAndHaltInACellAreRefusedAndTheKernelLives(String code) {
        TestClient.Execution ex = client.execute(code);
        assertEquals("error", ex.status(), ex.reply().content().toString());
        String traceback = ex.reply().content().path("traceback").toString();
        assertTrue(traceback.contains("refused: the kernel keeps running"), traceback);
        assertTrue(kernel.process.isAlive());
        assertStateKept();
    }

    @Test
    void exitFromAThreadTheCellStartedIsRefusedToo() throws Exception {
        TestClient.Execution ex = client.execute(
                "Thread quitter = new Thread(() -> System.exit(5)); quitter.start(); quitter.join();");
        assertEquals("ok", ex.status());
        String err = ex.iopub().stream().filter(m -> m.type().equals("stream"))
                .map(m -> m.content().path("text").asText()).reduce("", String::concat);
        assertTrue(err.contains("System.exit(5) was called in a cell and refused"), err);
        assertTrue(kernel.process.isAlive());
        assertStateKept();
    }

    @Test
    void aCellThatFillsTheHeapEndsWithOutOfMemoryAndGivesTheMemoryBack() throws Exception {
        fillTheHeap(kernel, client);
        assertStateKept();
    }

    /** With G1 (a user's --jvm-opt) and the heap starting at its largest, as the JVM picks on a 32 GiB machine. */
    @Test
    void withG1TooTheHeapAFullCellLeavesIsGivenBack() throws Exception {
        try (KernelProcess g1 = new KernelProcess(Files.createTempDirectory("mge4j-data"), "-XX:+UseG1GC",
                "-XX:InitialHeapSize=512m");
             TestClient c = new TestClient(g1)) {
            c.waitForReady(30_000);
            assertEquals("java.util.ArrayList", c.execute("new ArrayList<>().getClass().getName()").result()
                    .replace("\"", ""), "JShell is up before the RSS is read");
            fillTheHeap(g1, c);
        }
    }

    private static void fillTheHeap(KernelProcess kernel, TestClient client) throws Exception {
        long before = rssMiB(kernel);
        TestClient.Execution ex = client.execute(
                "var hog = new ArrayList<long[]>(); while (true) hog.add(new long[1 << 20]);");
        assertEquals("error", ex.status());
        assertEquals("java.lang.OutOfMemoryError", ex.reply().content().path("ename").asText());
        String traceback = ex.reply().content().path("traceback").toString();
        assertTrue(traceback.contains("variables this cell declared were dropped (hog)"), traceback);
        assertEquals("2", client.execute("1 + 1").result(), "the kernel answers the next cell");
        // the kernel's heap is 512 MiB (KernelProcess): kept, the list alone would hold ~500 MiB. The heap shrinks
        // at once, but G1 hands the pages back to the system from its own thread, within about a second
        long after = rssMiB(kernel);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (after >= before + 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            after = rssMiB(kernel);
        }
        assertTrue(after < before + 200, "RSS " + before + " MiB before the cell, " + after + " MiB 5 s after");
        assertEquals("error", client.execute("hog").status(), "the dropped variable is gone, not silently null");
    }

    private static long rssMiB(KernelProcess kernel) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(kernel.process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the kernel process");
    }
}
