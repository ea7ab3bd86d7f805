package org.mge4j.kernel;

import org.mge4j.kernel.eval.Evaluator;
import org.mge4j.kernel.eval.JShellEvaluator;
import org.mge4j.kernel.io.Cell;
import org.mge4j.kernel.magic.BackendReport;
import org.mge4j.kernel.protocol.KernelServer;
import org.mge4j.kernel.wire.ConnectionInfo;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

/**
 * {@code java -jar kernel.jar --warm-up-classes}: what {@code install} runs once to write the kernelspec's
 * class-data archive (org.mge4j.kernel.install.ClassArchive). A kernel starts on free local ports, without a
 * connection file and without printing, runs two cells (an expression and a declaration) and stops, so that the
 * classes of a real start and of a first cell are loaded when the JVM writes the archive at exit.
 */
final class ClassWarmUp {
    private ClassWarmUp() {
    }

    /** Runs the warm-up; returns the process exit code. */
    static int run() throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (BackendReport.startupFailure() != null) {
            return Main.EXIT_BACKEND_UNAVAILABLE;
        }
        BackendReport.startupLine();
        int[] ports = new int[5];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
        }
        KernelServer server = new KernelServer(new ConnectionInfo("tcp", "127.0.0.1", ports[0], ports[1], ports[2],
                ports[3], ports[4], "hmac-sha256", "warm-up"));
        server.start(JShellEvaluator.compilerOptionsFrom(System.getenv("MGE4J_COMPILER_OPTS")));
        Evaluator evaluator = server.evaluator();
        int count = 0;
        for (String code : List.of("1 + 1", "int warm = 1;")) {
            evaluator.run(code, new Cell(null, ++count, false, true, null, null, "warm-up", Cell.DEFAULT_OUTPUT_CAP));
        }
        server.close();
        return 0;
    }
}
