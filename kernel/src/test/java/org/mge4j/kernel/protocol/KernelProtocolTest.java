package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.mge4j.kernel.wire.Frames;
import org.mge4j.kernel.wire.Message;
import org.mge4j.kernel.wire.WireCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel as a separate process, driven over real ZeroMQ. One kernel serves all tests of this class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class KernelProtocolTest {
    KernelProcess kernel;
    TestClient client;

    @BeforeAll
    void start() throws Exception {
        kernel = new KernelProcess(Files.createTempDirectory("mge4j-data"));
        client = new TestClient(kernel);
        client.waitForReady(30_000);
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        kernel.close();
    }

    @Test
    void kernelInfoReplyHasStatusAndJavaLanguageInfo() {
        Message reply = client.waitForReady(5_000);
        assertEquals("ok", reply.content().path("status").asText());
        assertEquals("5.3", reply.content().path("protocol_version").asText());
        assertEquals("java", reply.content().path("language_info").path("name").asText());
        assertTrue(reply.header().path("date").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
                reply.header().path("date").asText());
    }

    @Test
    void expressionValueBecomesExecuteResultAndOrderIsBusyInputResultIdle() {
        TestClient.Execution ex = client.execute("1 + 2 + 3");
        assertEquals("ok", ex.status());
        assertEquals("6", ex.result());
        List<String> types = ex.iopub().stream().map(Message::type).toList();
        assertEquals(List.of("status", "execute_input", "execute_result", "status"), types);
        assertEquals("busy", ex.iopub().get(0).content().path("execution_state").asText());
    }

    @Test
    void printfAsTheLastExpressionPrintsItsTextAndShowsNoPrintStreamResult() {
        TestClient.Execution ex = client.execute("System.out.printf(\"x=%d%n\", 3)");
        assertEquals("ok", ex.status());
        assertEquals("x=3\n", ex.stdout());
        assertEquals(List.of(), ex.of("execute_result"), "printf returns System.out, which is not a result to show");
        TestClient.Execution other = client.execute("new java.io.PrintStream(new java.io.ByteArrayOutputStream())");
        assertTrue(other.result().startsWith("java.io.PrintStream@"), "other streams are still shown: " + other.result());
    }

    @Test
    void printedTextIsFlushedBeforeDisplayAndTrailingTextIsKept() {
        TestClient.Execution ex = client.execute(
                "System.out.print(\"A\"); display(\"<i>B</i>\", \"text/html\"); System.out.print(\"C\");");
        List<Message> out = ex.iopub().stream().filter(m -> !m.type().equals("status")
                && !m.type().equals("execute_input")).toList();
        assertEquals("stream", out.get(0).type());
        assertEquals("A", out.get(0).content().path("text").asText());
        assertEquals("display_data", out.get(1).type());
        assertEquals("<i>B</i>", out.get(1).content().path("data").path("text/html").asText());
        assertEquals("stream", out.get(2).type());
        assertEquals("C", out.get(2).content().path("text").asText());
    }

    @Test
    void manyPrintlnsAreCoalescedIntoFewStreamMessagesWithNothingLost() {
        TestClient.Execution ex = client.execute("for (int i = 0; i < 2000; i++) System.out.println(\"line \" + i);");
        assertEquals("ok", ex.status());
        String text = ex.stdout();
        assertEquals(2000, text.lines().count());
        assertTrue(text.endsWith("line 1999\n"));
        assertTrue(ex.of("stream").size() < 20, "stream messages: " + ex.of("stream").size());
    }

    @Test
    void outputOfAThreadStartedByTheCellBelongsToThatCell() {
        TestClient.Execution ex = client.execute(
                "Thread t = new Thread(() -> System.out.println(\"from worker\")); t.start(); t.join();");
        assertEquals("from worker\n", ex.stdout());
    }

    @Test
    void silentExecutionPublishesNoInputOrOutputAndDoesNotAdvanceTheCounter() {
        int before = client.execute("int counterBase = 1;").reply().content().path("execution_count").asInt();
        ObjectNode silent = client.executeContent("System.out.println(\"quiet\"); 42");
        silent.put("silent", true);
        TestClient.Execution s = client.execute(silent);
        assertEquals("ok", s.status());
        assertEquals(List.of("status", "status"), s.iopub().stream().map(Message::type).toList());
        ObjectNode notStored = client.executeContent("counterBase + 1");
        notStored.put("store_history", false);
        assertEquals(before, client.execute(notStored).reply().content().path("execution_count").asInt());
        assertEquals(before + 1, client.execute("counterBase").reply().content().path("execution_count").asInt());
    }

    @Test
    void stdinReadIsAnsweredThroughInputRequest() {
        ObjectNode c = client.executeContent("new java.util.Scanner(System.in).nextLine().length()");
        c.put("allow_stdin", true);
        String id = client.send(client.shell, client.request("execute_request", c));
        Message req = client.receive(client.stdin, 10_000);
        assertEquals("input_request", req.type());
        assertEquals(id, req.parent().path("msg_id").asText());
        ObjectNode answer = TestClient.JSON.createObjectNode().put("value", "hello");
        // jupyter_client sends input_reply with an empty parent header; the kernel must still match it
        Message reply = new Message(List.of(), Message.newHeader("input_reply", client.session), TestClient.JSON.createObjectNode(),
                TestClient.JSON.createObjectNode(), answer, List.of());
        client.send(client.stdin, reply);
        assertEquals("ok", client.replyTo(client.shell, id, 10_000).content().path("status").asText());
        List<Message> out = client.iopubUntilIdle(id, 5_000);
        assertEquals("5", out.stream().filter(m -> m.type().equals("execute_result")).findFirst().orElseThrow()
                .content().path("data").path("text/plain").asText());
    }

    @Test
    void readingStdinWhenTheClientForbidsItIsAnErrorThatSaysWhy() {
        TestClient.Execution ex = client.execute("new java.util.Scanner(System.in).nextLine()");
        assertEquals("error", ex.status());
        assertTrue(ex.reply().content().path("evalue").asText().contains("allow_stdin=false"));
    }

    @Test
    void interruptStopsABusyLoopWithinOneSecondAndKeepsEarlierVariables() throws Exception {
        client.execute("int kept = 41;");
        String id = client.send(client.shell, client.request("execute_request", client.executeContent("while (true) { }")));
        Thread.sleep(700);
        long t0 = System.nanoTime();
        String intr = client.send(client.control, client.request("interrupt_request", TestClient.JSON.createObjectNode()));
        assertEquals("ok", client.replyTo(client.control, intr, 5_000).content().path("status").asText());
        Message reply = client.replyTo(client.shell, id, 5_000);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        client.iopubUntilIdle(id, 5_000);
        assertEquals("error", reply.content().path("status").asText());
        assertEquals("Interrupted", reply.content().path("ename").asText());
        assertTrue(millis < 1000, "interrupt took " + millis + " ms");
        assertEquals("42", client.execute("kept + 1").result());
    }

    @Test
    void interruptEndsABlockingSleep() throws Exception {
        String id = client.send(client.shell, client.request("execute_request",
                client.executeContent("Thread.sleep(60_000);")));
        Thread.sleep(500);
        client.send(client.control, client.request("interrupt_request", TestClient.JSON.createObjectNode()));
        long t0 = System.nanoTime();
        Message reply = client.replyTo(client.shell, id, 5_000);
        client.iopubUntilIdle(id, 5_000);
        assertEquals("error", reply.content().path("status").asText());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000);
    }

    @Test
    void systemExitInACellIsAnErrorAndTheKernelKeepsItsState() {
        client.execute("String survivor = \"still here\";");
        TestClient.Execution ex = client.execute("System.exit(0);");
        assertEquals("error", ex.status());
        assertTrue(ex.reply().content().path("evalue").asText().contains("kernel keeps running"));
        assertEquals("error", client.execute("Runtime.getRuntime().halt(3);").status());
        assertEquals("still here", client.execute("survivor").result());
    }

    @Test
    void outOfMemoryIsAnErrorAndTheKernelStillAnswers() {
        TestClient.Execution ex = client.execute("long[] huge = new long[400_000_000];");
        assertEquals("error", ex.status());
        assertEquals("java.lang.OutOfMemoryError", ex.reply().content().path("ename").asText());
        TestClient.Execution after = client.execute("1 + 2");
        // seen once in a full CI run: no execute_result here; the message keeps what the kernel said instead
        assertEquals("3", after.result(), "after an OOM the kernel answered " + after.reply().content() + " with IOPub "
                + after.iopub() + "\nkernel log:\n" + kernel.logText());
    }

    @Test
    void messageWithABadSignatureIsDroppedNotExecuted() {
        Message forged = client.request("execute_request", client.executeContent("int forged = 1;"));
        List<byte[]> frames = client.codec.encode(forged);
        frames.set(1, "0".repeat(64).getBytes(StandardCharsets.US_ASCII));
        Frames.send(client.shell, frames);
        TestClient.Execution ex = client.execute("forged");
        assertEquals("error", ex.status());
        assertEquals("CompileError", ex.reply().content().path("ename").asText());
        assertTrue(kernel.logText().contains("bad HMAC signature"), kernel.logText());
    }

    @Test
    void compileErrorNamesTheCellLineAndPutsACaretUnderTheProblem() {
        TestClient.Execution ex = client.execute("int ok = 1;\nint bad = \"text\";");
        assertEquals("CompileError", ex.reply().content().path("ename").asText());
        String tb = String.join("\n", TestClient.JSON.convertValue(ex.reply().content().path("traceback"), String[].class));
        assertTrue(tb.contains("line 2"), tb);
        assertTrue(tb.contains("    int bad = \"text\";\n              \u001b[31m^"), tb);
    }

    @Test
    void exceptionTracebackShowsOnlyTheUsersFramesWithCellLines() {
        TestClient.Execution ex = client.execute("void boom() {\n  throw new IllegalStateException(\"boom\");\n}\nboom();");
        assertEquals("java.lang.IllegalStateException", ex.reply().content().path("ename").asText());
        String[] tb = TestClient.JSON.convertValue(ex.reply().content().path("traceback"), String[].class);
        assertTrue(tb[1].contains("boom(In[") && tb[1].endsWith("line 2)"), String.join("\n", tb));
        assertTrue(tb[2].endsWith("line 4)"), String.join("\n", tb));
        assertEquals(3, tb.length, String.join("\n", tb));
        assertEquals(1, ex.of("error").size());
        assertTrue(ex.of("stream").isEmpty());
    }

    @Test
    void redefiningAClassKeepsUnrelatedAndDependentVariables() {
        client.execute("class Shape { int sides() { return 3; } }\nShape shape = new Shape();\nint unrelated = 7;");
        assertEquals("ok", client.execute("class Shape { int sides() { return 4; } }").status());
        assertEquals("4", client.execute("shape.sides()").result());
        assertEquals("7", client.execute("unrelated").result());
    }

    @Test
    void stopOnErrorAbortsCellsAlreadyQueued() {
        String a = client.send(client.shell, client.request("execute_request",
                client.executeContent("Thread.sleep(300); throw new RuntimeException(\"first fails\");")));
        String b = client.send(client.shell, client.request("execute_request", client.executeContent("int never = 1;")));
        assertEquals("error", client.replyTo(client.shell, a, 10_000).content().path("status").asText());
        assertEquals("aborted", client.replyTo(client.shell, b, 10_000).content().path("status").asText());
        assertEquals("error", client.execute("never").status());
    }

    @Test
    void completionCountsCursorInCodePoints() {
        String code = "String s\uD835\uDC1A = \"x\"; s\uD835\uDC1A.toUpperC";
        int cps = code.codePointCount(0, code.length());
        ObjectNode c = TestClient.JSON.createObjectNode().put("code", code).put("cursor_pos", cps);
        String id = client.send(client.shell, client.request("complete_request", c));
        Message reply = client.replyTo(client.shell, id, 10_000);
        assertEquals(cps, reply.content().path("cursor_end").asInt());
        assertEquals(cps - "toUpperC".length(), reply.content().path("cursor_start").asInt());
        assertTrue(reply.content().path("matches").toString().contains("toUpperCase("), reply.content().toString());
    }

    @Test
    void magicNamesCompleteOnTab() {
        ObjectNode c = TestClient.JSON.createObjectNode().put("code", "%lsm").put("cursor_pos", 4);
        Message reply = client.replyTo(client.shell, client.send(client.shell, client.request("complete_request", c)),
                10_000);
        assertEquals("[\"%lsmagic\"]", reply.content().path("matches").toString());
        assertEquals(0, reply.content().path("cursor_start").asInt());
    }

    @Test
    void isCompleteTellsIncompleteBlocksWithAnIndent() {
        ObjectNode c = TestClient.JSON.createObjectNode().put("code", "for (int i = 0; i < 3; i++) {");
        Message reply = client.replyTo(client.shell, client.send(client.shell, client.request("is_complete_request", c)),
                10_000);
        assertEquals("incomplete", reply.content().path("status").asText());
        assertEquals("    ", reply.content().path("indent").asText());
    }

    @Test
    void userExpressionsAreEvaluatedAfterTheCell() {
        ObjectNode c = client.executeContent("int ue = 20;");
        c.putObject("user_expressions").put("twice", "ue * 2").put("broken", "noSuchThing");
        TestClient.Execution ex = client.execute(c);
        assertEquals("40", ex.reply().content().path("user_expressions").path("twice").path("data")
                .path("text/plain").asText());
        assertEquals("error", ex.reply().content().path("user_expressions").path("broken").path("status").asText());
    }

    @Test
    void timeMagicReportsWallTimeAndRunsTheCode() {
        TestClient.Execution ex = client.execute("%%time\nint timed = 5;\nSystem.out.println(timed * 2);");
        assertEquals("ok", ex.status());
        assertTrue(ex.stdout().startsWith("10\nWall time: "), ex.stdout());
    }

    @Test
    void backendMagicReportsTheJvmAndTheNd4jBackend() {
        TestClient.Execution ex = client.execute("%backend");
        assertEquals("ok", ex.status());
        assertTrue(ex.stdout().startsWith("Java        " + Runtime.version().feature()), ex.stdout());
        assertTrue(ex.stdout().contains("Backend     nd4j-native (CPU"), ex.stdout());
    }

    @Test
    void unknownMagicIsAnErrorThatPointsToLsmagic() {
        TestClient.Execution ex = client.execute("%nosuchmagic 1 2");
        assertEquals("error", ex.status());
        assertTrue(ex.reply().content().path("evalue").asText().contains("%lsmagic"));
    }

    @Test
    void heartbeatEchoesBytes() {
        client.hb.send("ping".getBytes(StandardCharsets.US_ASCII), 0);
        client.hb.setReceiveTimeOut(5000);
        assertEquals("ping", new String(client.hb.recv(0), StandardCharsets.US_ASCII));
    }

    @Test
    void commToAnUnknownTargetIsClosedAndCommInfoAnswers() {
        ObjectNode open = TestClient.JSON.createObjectNode().put("comm_id", "c1").put("target_name", "nobody");
        open.putObject("data");
        String id = client.send(client.shell, client.request("comm_open", open));
        List<Message> out = client.iopubUntilIdle(id, 5_000);
        assertTrue(out.stream().anyMatch(m -> m.type().equals("comm_close")
                && m.content().path("comm_id").asText().equals("c1")));
        Message info = client.replyTo(client.shell, client.send(client.shell,
                client.request("comm_info_request", TestClient.JSON.createObjectNode())), 5_000);
        assertEquals("ok", info.content().path("status").asText());
        assertFalse(info.content().path("comms").has("c1"));
    }


}
