package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mge4j.kernel.wire.Message;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up, shutdown and restart of kernel processes. */
@Timeout(120)
class KernelLifecycleTest {

    @Test
    void kernelInfoIsAnsweredBeforeJShellIsWarm() throws Exception {
        Path data = Files.createTempDirectory("mge4j-data");
        long t0 = System.nanoTime();
        try (KernelProcess k = new KernelProcess(data); TestClient c = new TestClient(k)) {
            Message reply = c.waitForReady(30_000);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("ok", reply.content().path("status").asText());
            assertTrue(millis < 5_000, "first kernel_info_reply after " + millis + " ms");
        }
    }

    @Test
    void shutdownRequestIsAnsweredAndTheProcessExitsWithinTwoSeconds() throws Exception {
        try (KernelProcess k = new KernelProcess(Files.createTempDirectory("mge4j-data")); TestClient c = new TestClient(k)) {
            c.waitForReady(30_000);
            c.execute("int x = 1;");
            ObjectNode content = TestClient.JSON.createObjectNode().put("restart", false);
            long t0 = System.nanoTime();
            String id = c.send(c.control, c.request("shutdown_request", content));
            Message reply = c.replyTo(c.control, id, 5_000);
            assertEquals("ok", reply.content().path("status").asText());
            assertEquals(false, reply.content().path("restart").asBoolean(true));
            assertTrue(k.waitForExit(2_000), "kernel still running 2 s after shutdown_request");
            assertEquals(0, k.process.exitValue());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 2_500);
        }
    }

    @Test
    void restartKeepsTheHistoryInTheJupyterDataDirectory() throws Exception {
        Path data = Files.createTempDirectory("mge4j-data");
        try (KernelProcess k = new KernelProcess(data); TestClient c = new TestClient(k)) {
            c.waitForReady(30_000);
            c.execute("String firstSession = \"remembered\";");
            String id = c.send(c.control, c.request("shutdown_request",
                    TestClient.JSON.createObjectNode().put("restart", true)));
            assertTrue(c.replyTo(c.control, id, 5_000).content().path("restart").asBoolean());
            assertTrue(k.waitForExit(2_000));
        }
        try (KernelProcess k = new KernelProcess(data); TestClient c = new TestClient(k)) {
            c.waitForReady(30_000);
            ObjectNode req = TestClient.JSON.createObjectNode().put("hist_access_type", "search")
                    .put("pattern", "*firstSession*").put("output", false).put("raw", true).put("n", 10);
            Message reply = c.replyTo(c.shell, c.send(c.shell, c.request("history_request", req)), 10_000);
            assertEquals("ok", reply.content().path("status").asText());
            assertEquals(1, reply.content().path("history").size(), reply.content().toString());
            assertEquals(1, reply.content().path("history").get(0).get(0).asInt());   // session 1, now in session 2
            assertEquals("String firstSession = \"remembered\";", reply.content().path("history").get(0).get(2).asText());
            // the variable itself is gone: a restart is a fresh JVM
            assertEquals("error", c.execute("firstSession").status());
        }
    }

    @Test
    void sigintInterruptsTheCellInsteadOfKillingTheKernel() throws Exception {
        try (KernelProcess k = new KernelProcess(Files.createTempDirectory("mge4j-data")); TestClient c = new TestClient(k)) {
            c.waitForReady(30_000);
            c.execute("int beforeSignal = 9;");
            String id = c.send(c.shell, c.request("execute_request", c.executeContent("while (true) { }")));
            Thread.sleep(700);
            new ProcessBuilder("kill", "-INT", Long.toString(k.process.pid())).start().waitFor();
            assertEquals("error", c.replyTo(c.shell, id, 5_000).content().path("status").asText());
            c.iopubUntilIdle(id, 5_000);
            assertTrue(k.process.isAlive());
            assertEquals("9", c.execute("beforeSignal").result());
        }
    }
}
