package org.mge4j.kernel.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.mge4j.Backend;
import org.mge4j.serialization.SerializationException;

/**
 * The file tools of {@code install/mge4j} (and {@code java -jar kernel.jar}): {@code inspect}, {@code convert} and
 * {@code run} (a dumped graph).
 * Exit codes: 0 done, 1 the file could not be read or written (the message says why, on stderr), 2 the command
 * line is wrong. Errors print no stack trace unless {@code --debug} is given. Nothing here touches ZeroMQ.
 */
public final class Cli {
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: a file could not be read, converted or written. */
    public static final int BAD_FILE = 1;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;

    private Cli() {
    }

    /** True for the subcommands {@link #run} handles. */
    public static boolean handles(String subcommand) {
        return subcommand.equals("inspect") || subcommand.equals("convert") || subcommand.equals("run");
    }

    /** Runs {@code args} ({@code inspect ...} or {@code convert ...}); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        String command = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "inspect" -> {
                    if (wantsHelp(rest)) {
                        out.println(Inspect.usage(program()));
                        return OK;
                    }
                    Inspect.Request r = Inspect.parse(rest);
                    Backend.init();     // chooses ND4J's natives before the first tensor is made
                    Inspect.run(r, out, err);
                }
                case "convert" -> {
                    if (wantsHelp(rest)) {
                        out.println(Convert.usage(program()));
                        return OK;
                    }
                    Convert.Request r = Convert.parse(rest);
                    Backend.init();
                    Convert.run(r, out, err);
                }
                case "run" -> {
                    if (wantsHelp(rest)) {
                        out.println(RunGraph.usage(program()));
                        return OK;
                    }
                    RunGraph.Request r = RunGraph.parse(rest);
                    Backend.init();
                    RunGraph.run(r, out);
                }
                default -> throw new UsageException("unknown command '" + command + "'; the file tools are inspect, convert and run");
            }
            return OK;
        } catch (UsageException e) {
            err.println(program() + " " + command + ": " + e.getMessage());
            err.println("Run '" + program() + " " + (handles(command) ? command + " " : "") + "--help' for usage.");
            return USAGE;
        } catch (SerializationException | CliFailure e) {
            err.println(program() + " " + command + ": " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return BAD_FILE;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            err.println(program() + " " + command + ": failed: " + e + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return BAD_FILE;
        }
    }

    private static boolean wantsHelp(String[] args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    /** How the user started us, for messages: {@code mge4j} from the launcher, else {@code java -jar kernel.jar}. */
    public static String program() {
        return System.getProperty("mge4j.program", "java -jar kernel.jar");
    }

    /** The lines of the top-level usage that describe the file tools. */
    public static String usage(String program) {
        return String.join("\n",
                row(program + " inspect FILE [--json]", "what a .pkl/.pt/.safetensors/.npy/.npz file holds, running nothing in it"),
                row(program + " convert IN OUT [--drop-non-tensors]", "rewrite IN in the format OUT's extension names"),
                row(program + " run MODEL.mge --input NAME=X.npy", "run a dumped graph (load_and_run): outputs and timing"));
    }

    /** One line of a usage table: the command, then its description from column 46 (on the next line if it is long). */
    public static String row(String command, String description) {
        String c = "  " + command;
        return c.length() < 45 ? String.format("%-46s%s", c, description) : c + "\n" + " ".repeat(46) + description;
    }
}
