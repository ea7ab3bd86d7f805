package org.mge4j.kernel.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mge4j.kernel.display.Notebook;
import org.mge4j.kernel.eval.Evaluator;
import org.mge4j.kernel.eval.JShellEvaluator;
import org.mge4j.kernel.io.OutputRouter;
import org.mge4j.kernel.magic.BackendReport;
import org.mge4j.kernel.magic.CellRunner;
import org.mge4j.kernel.wire.ConnectionInfo;
import org.mge4j.kernel.wire.Frames;
import org.mge4j.kernel.wire.Heartbeat;
import org.mge4j.kernel.wire.IopubPublisher;
import org.mge4j.kernel.wire.Message;
import org.mge4j.kernel.wire.MessageSigner;
import org.mge4j.kernel.wire.StdinChannel;
import org.mge4j.kernel.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The running kernel: binds the five sockets, answers kernel_info at once while JShell warms up in the background,
 * serves shell requests on one thread (which also drives JShell) and control requests on another, so an interrupt
 * or shutdown is handled while a cell runs.
 */
public final class KernelServer {
    private static final Logger LOG = Logger.getLogger(KernelServer.class.getName());
    private static final Set<String> CONTROL_TYPES = Set.of("shutdown_request", "interrupt_request",
            "kernel_info_request", "is_complete_request");

    private final ConnectionInfo info;
    private final String session = UUID.randomUUID().toString();
    private final ZContext context = new ZContext();
    private final WireCodec codec;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CompletableFuture<JShellEvaluator> evaluator = new CompletableFuture<>();
    private final CompletableFuture<CellRunner> runner = new CompletableFuture<>();
    private final MessageRouter router = new MessageRouter();
    private final CommRegistry comms = new CommRegistry();
    private volatile boolean running = true;
    private volatile boolean restartRequested;
    private IopubPublisher iopub;
    private StdinChannel stdin;
    private OutputRouter output;
    private ExecuteHandler execute;
    private HistoryStore history;

    /** A kernel for the given connection; call {@link #start()} then {@link #awaitShutdown()}. */
    public KernelServer(ConnectionInfo info) {
        this.info = info;
        this.codec = new WireCodec(new MessageSigner(info.key()));
        // JeroMQ's I/O threads print an uncaught exception's stack trace on the console; when the context closes
        // while a socket still signals its mailbox (seen at shutdown in a test run), that is a
        // ClosedChannelException of no consequence. While the kernel runs, such an error goes to the log as one line.
        Thread.UncaughtExceptionHandler quiet = (t, e) -> {
            if (running) {
                LOG.warning("ZeroMQ thread " + t.getName() + ": " + e);
            }
        };
        context.setUncaughtExceptionHandler(quiet);
        context.setNotificationExceptionHandler(quiet);
    }

    /** The comm registry, for registering comm targets. */
    public CommRegistry comms() {
        return comms;
    }

    /** Binds the sockets and starts the shell, control, heartbeat and warm-up threads. */
    public void start(List<String> compilerOptions) {
        ZMQ.Socket shell = bind(SocketType.ROUTER, info.shellPort());
        ZMQ.Socket control = bind(SocketType.ROUTER, info.controlPort());
        ZMQ.Socket pub = bind(SocketType.PUB, info.iopubPort());
        ZMQ.Socket in = bind(SocketType.ROUTER, info.stdinPort());
        ZMQ.Socket hb = bind(SocketType.REP, info.hbPort());
        iopub = new IopubPublisher(pub, codec);
        Notebook.install();
        stdin = new StdinChannel(in, codec, session);
        output = new OutputRouter();
        history = new HistoryStore(HistoryStore.defaultFile());
        execute = new ExecuteHandler(runner::join, output, stdin, history);
        router.beforeReply(r -> {
            if (r.socket() == shell && execute.takeAbortSignal()) {
                queuedAtFailure = drain(shell);
            }
        });
        EditorHandlers editor = new EditorHandlers(() -> evaluator.join(), runner::join);
        router.on("kernel_info_request", r -> r.reply("kernel_info_reply", KernelInfo.content()))
                .on("execute_request", execute::handle)
                .on("complete_request", editor::complete)
                .on("inspect_request", editor::inspect)
                .on("is_complete_request", editor::isComplete)
                .on("history_request", r -> r.reply("history_reply", history.reply(r.content())))
                .on("comm_info_request", comms::handleInfo)
                .on("comm_open", comms::handleOpen)
                .on("comm_msg", comms::handleMessage)
                .on("comm_close", comms::handleClose)
                .on("interrupt_request", this::interrupt)
                .on("shutdown_request", this::shutdown);
        Heartbeat.start(hb);
        publishStarting();
        Thread warm = new Thread(() -> warmUp(compilerOptions), "mge4j-warmup");
        warm.setDaemon(true);
        warm.start();
        startLoop("mge4j-shell", shell, null, true);
        startLoop("mge4j-control", control, CONTROL_TYPES, false);
    }

    private void warmUp(List<String> compilerOptions) {
        try {
            JShellEvaluator e = new JShellEvaluator(compilerOptions);
            e.startupWarnings().forEach(LOG::warning);
            e.complete("Sys", 3);
            e.isComplete("int x = 1;");
            runner.complete(new CellRunner(e));
            evaluator.complete(e);
            if (!"0".equals(System.getenv("MGE4J_WARM_ND4J"))) {
                BackendReport.warmUp();      // after JShell, so plain cells run meanwhile; tensor cells wait for it
            }
        } catch (Throwable t) {
            LOG.severe("JShell failed to start: " + t);
            evaluator.completeExceptionally(t);
            runner.completeExceptionally(t);
        }
    }

    /** The evaluator, once warm (blocks until then). */
    public Evaluator evaluator() {
        return evaluator.join();
    }

    private ZMQ.Socket bind(SocketType type, int port) {
        ZMQ.Socket s = context.createSocket(type);
        s.setLinger(0);
        s.bind(info.endpoint(port));
        return s;
    }

    private void publishStarting() {
        ObjectNode c = Request.ok();
        c.remove("status");
        c.put("execution_state", "starting");
        iopub.publish(new Message(List.of(), Message.newHeader("status", session), c.objectNode(), c.objectNode(),
                c, List.of()));
    }

    private void startLoop(String name, ZMQ.Socket socket, Set<String> allowed, boolean isShell) {
        Thread t = new Thread(() -> {
            try {
                while (running) {
                    // a receive timeout rather than a poller: wakes at once for a message, checks `running` 10x/s
                    List<byte[]> frames = Frames.receive(socket, 100);
                    Request r = frames == null ? null : read(socket, frames);
                    if (r == null) {
                        continue;
                    }
                    router.dispatch(r, allowed);
                    if (isShell && queuedAtFailure != null) {
                        List<List<byte[]>> queued = queuedAtFailure;
                        queuedAtFailure = null;
                        abortQueued(socket, queued);
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.severe(name + " loop ended: " + e);
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private Request read(ZMQ.Socket socket, List<byte[]> frames) {
        try {
            return new Request(codec.decode(frames), socket, codec, iopub, session);
        } catch (WireCodec.BadMessageException e) {
            LOG.warning("dropped a message on " + socket.getType() + ": " + e.getMessage()
                    + " (not executed; check the connection file's key)");
            return null;
        }
    }

    /**
     * After a failed cell with stop_on_error, execute requests already queued are answered with status aborted. They
     * are taken off the socket before the failed cell's reply goes out (the router's beforeReply hook) and answered
     * after it, so a request a client sends after reading that reply is never mistaken for a queued one.
     */
    private List<List<byte[]>> queuedAtFailure;

    private static List<List<byte[]>> drain(ZMQ.Socket socket) {
        List<List<byte[]>> queued = new ArrayList<>();
        List<byte[]> frames;
        while ((frames = Frames.receive(socket, 0)) != null) {
            queued.add(frames);
        }
        return queued;
    }

    private void abortQueued(ZMQ.Socket socket, List<List<byte[]>> queued) {
        for (List<byte[]> frames : queued) {
            Request r = read(socket, frames);
            if (r == null) {
                continue;
            }
            if (!r.message().type().equals("execute_request")) {
                router.dispatch(r, null);
                continue;
            }
            r.status("busy");
            ObjectNode c = Request.ok();
            c.put("status", "aborted");
            c.put("execution_count", execute.executionCount());
            r.reply("execute_reply", c);
            r.status("idle");
        }
    }

    private void interrupt(Request r) {
        r.reply("interrupt_reply", Request.ok());
        interruptCell();
    }

    /** Stops the running cell, if JShell is up (also used for SIGINT). */
    public void interruptCell() {
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
            evaluator.join().interrupt();
        }
    }

    private void shutdown(Request r) {
        boolean restart = r.content().path("restart").asBoolean(false);
        ObjectNode c = Request.ok();
        c.put("restart", restart);
        r.reply("shutdown_reply", c);
        r.finish();                 // sent before the main thread closes the sockets
        restartRequested = restart;
        stopped.countDown();
    }

    /** Waits for a shutdown_request; returns whether a restart was asked for. */
    public boolean awaitShutdown() throws InterruptedException {
        stopped.await();
        return restartRequested;
    }

    /** Closes sockets and threads (the process should exit afterwards). */
    public void close() {
        running = false;
        iopub.close();
        stdin.close();
        output.close();
        history.close();
        context.close();
    }
}
