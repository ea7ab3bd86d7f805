package org.mge4j.kernel;

import org.mge4j.kernel.cli.Cli;
import org.mge4j.kernel.eval.JShellEvaluator;
import org.mge4j.kernel.install.KernelspecInstaller;
import org.mge4j.kernel.magic.BackendReport;
import org.mge4j.kernel.protocol.KernelServer;
import org.mge4j.kernel.wire.ConnectionInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Command line of the kernel jar:
 * {@code java -jar kernel.jar <connection_file>} runs the kernel (Jupyter does this),
 * {@code java -jar kernel.jar install [--user|--sys-prefix|--prefix DIR] [--name N] [--backend cpu|cuda] [--java PATH] [--vector] [--jvm-opt OPT]...}
 * writes a kernelspec, {@code java -jar kernel.jar uninstall [...]} removes it; {@code inspect} and {@code convert}
 * are the file tools ({@link Cli}), which {@code install/mge4j} runs.
 */
public final class Main {
    /** The exit code of a kernel whose ND4J backend cannot start here (the CUDA build without a GPU). */
    public static final int EXIT_BACKEND_UNAVAILABLE = 3;

    private Main() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "[mge4j %4$s] %5$s%6$s%n");
        Thread.currentThread().setName("mge4j-main");
        if (args.length == 0) {
            System.err.println(usage());
            System.exit(2);
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(usage());
            System.exit(0);
        }
        if (Cli.handles(args[0])) {
            System.exit(Cli.run(args, System.out, System.err));   // before anything of the kernel loads
        }
        switch (args[0]) {
            case "install" -> System.exit(KernelspecInstaller.install(Arrays.copyOfRange(args, 1, args.length)));
            case "uninstall" -> System.exit(KernelspecInstaller.uninstall(Arrays.copyOfRange(args, 1, args.length)));
            default -> {
                if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
                    System.err.println("unknown command, or no such connection file: " + args[0] + "\n" + usage());
                    System.exit(2);
                }
                runKernel(Path.of(args[0]));
            }
        }
    }

    private static void runKernel(Path connectionFile) throws Exception {
        // a kernel never opens windows; charts and image grids draw off-screen even when $DISPLAY is set
        System.setProperty("java.awt.headless", "true");
        String unavailable = BackendReport.startupFailure();
        if (unavailable != null) {
            // Jupyter shows the kernel as dead and its log has this one line; no native stack, no JVM crash
            System.err.println("[mge4j ERROR] " + unavailable);
            System.exit(EXIT_BACKEND_UNAVAILABLE);
        }
        // the one line a kernel prints to the notebook server's console when it starts (issue 13)
        System.err.println(BackendReport.startupLine());
        KernelServer server = new KernelServer(ConnectionInfo.read(connectionFile));
        server.start(JShellEvaluator.compilerOptionsFrom(System.getenv("MGE4J_COMPILER_OPTS")));
        installSigint(server);
        server.awaitShutdown();
        server.close();
        System.exit(0);
    }

    /** SIGINT interrupts the running cell instead of ending the JVM (Jupyter may send it in signal mode). */
    private static void installSigint(KernelServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> server.interruptCell());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            System.err.println("[mge4j WARNING] cannot handle SIGINT (" + e.getMessage() + "); use interrupt_mode message");
        }
    }

    static String usage() {
        String p = Cli.program();
        return String.join("\n",
                "mge4j: a Jupyter kernel for Java, and tools for model files",
                Cli.usage(p),
                Cli.row(p + " install [--user|--sys-prefix|--prefix DIR] [--name NAME] [--backend cpu|cuda] [--java PATH] [--vector] [--jvm-opt OPT]...",
                        "write the kernelspec (default: --user, name mge4j, this Java; --java: a JDK 17+;"
                                + " --backend cuda: mge4j-cuda from a -Pcuda build; --vector: dumped graphs' Java plan on the vector API,"
                                + " whose incubator module makes the JVM print a warning at each start)"),
                Cli.row(p + " uninstall [--user|--sys-prefix|--prefix DIR] [--name NAME]", "remove it"),
                Cli.row(p + " CONNECTION_FILE", "run the kernel (Jupyter starts it this way)"),
                "'" + p + " inspect --help' and '" + p + " convert --help' say more.",
                "Exit codes: 0 done, 1 a file could not be read or written, 2 bad command line,"
                        + " 3 the kernel's ND4J backend cannot start here (a CUDA build without a GPU).");
    }
}
