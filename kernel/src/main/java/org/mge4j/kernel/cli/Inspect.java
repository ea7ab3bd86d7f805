package org.mge4j.kernel.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.SerializationException;

/**
 * {@code inspect FILE [--json]}: what a .pkl, .pt/.pth, .safetensors, .npy or .npz file holds, read without trusting
 * it. Pickle globals outside the allowlist are shown as inert placeholders ({@link LoadOptions.Builder#inertGlobals}),
 * never imported or run; the reader's size, depth and memo limits still refuse a hostile structure.
 */
final class Inspect {
    /** What the command line asked for. */
    record Request(Path file, boolean json) {
    }

    private Inspect() {
    }

    static String usage(String program) {
        return String.join("\n",
                "usage: " + program + " inspect FILE [--json] [--debug]",
                "",
                "Shows what a model file holds without running anything in it: the tree of keys, and for each tensor",
                "its dtype, shape, element count and bytes, then the totals. Formats: .pkl (pickle), .pt/.pth (torch.save",
                "zip), .safetensors, .npy, .npz; by extension, else by the first bytes.",
                "A pickle global outside mge4j's allowlist (os.system, a model class) is shown as",
                "<object os.system (not loaded: untrusted global)> with the arguments it would have got.",
                "",
                "  --json    one JSON document: file, format, file_bytes, tensors (path, dtype, shape, elements, bytes,",
                "            sha256 of the little-endian C-order bytes, same_as for shared tensors), totals,",
                "            untrusted_globals, metadata (safetensors) and tree (the whole structure)",
                "  --debug   print the stack trace of an error",
                "",
                "The sha256 equals Python's",
                "  hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()",
                "Exit codes: 0 shown, 1 the file cannot be read (the reason is on stderr), 2 bad command line.");
    }

    static Request parse(String[] args) {
        Path file = null;
        boolean json = false;
        for (String a : args) {
            switch (a) {
                case "--json" -> json = true;
                case "--debug" -> {
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (file != null) {
                        throw new UsageException("inspect takes one file, got " + file + " and " + a);
                    }
                    file = Path.of(a);
                }
            }
        }
        if (file == null) {
            throw new UsageException("which file? usage: inspect FILE [--json]");
        }
        return new Request(file, json);
    }

    static void run(Request r, PrintStream out, PrintStream err) {
        LoadedFile file = LoadedFile.read(r.file(), LoadOptions.builder().inertGlobals(true).mapLocation("cpu0").build());   // GPU-saved files too
        Inventory inv = Inventory.of(file.root());
        if (r.json()) {
            try {
                JsonReport.write(file, inv, out);
            } catch (IOException e) {
                throw new SerializationException("could not write the JSON report: " + e.getMessage(), e);
            }
        } else {
            TextReport.print(file, inv, out);
        }
        out.flush();
    }
}
