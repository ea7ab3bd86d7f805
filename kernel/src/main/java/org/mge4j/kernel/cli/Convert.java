package org.mge4j.kernel.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mge4j.Mge;
import org.mge4j.serialization.Format;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.RefusedGlobalException;
import org.mge4j.serialization.safetensors.Safetensors;

/**
 * {@code convert IN OUT [--drop-non-tensors]}: reads IN as {@code Mge.load} does (safe defaults: a file with
 * untrusted globals is refused) and writes it crash-safely with {@code Mge.save} in the format OUT's extension
 * names. Into the flat formats (.safetensors, .npz) nested structure becomes dotted keys ({@link Flattener}); values
 * that are not tensors are an error naming their keys, or are left out with {@code --drop-non-tensors} (listed on
 * stderr). Into .pkl and .pt the structure is kept as it is.
 */
final class Convert {
    /** What the command line asked for. */
    record Request(Path in, Path out, boolean dropNonTensors) {
    }

    private Convert() {
    }

    static String usage(String program) {
        return String.join("\n",
                "usage: " + program + " convert IN OUT [--drop-non-tensors] [--debug]",
                "",
                "Rewrites IN in the format OUT's extension names: .pkl, .pt/.pth, .safetensors, .npz or .npy.",
                "IN is read like Mge.load reads it (any of those formats; a pickle with untrusted globals is refused;",
                "'inspect' shows it). OUT is written crash-safely (temp file, fsync, atomic rename) and replaced if it exists.",
                "",
                "Into .safetensors and .npz, which hold a flat map of names to tensors, nested keys are joined with dots",
                "(model_state_dict.fc.weight; list items by index). Values that are not tensors (numbers, strings,",
                "empty containers) are an error that lists their keys, unless",
                "  --drop-non-tensors   leaves them out (and lists what was left out on stderr)",
                "A .safetensors file's __metadata__ is kept when OUT is .safetensors too.",
                "Into .pkl and .pt the structure is kept as it is. Into .npy, IN must hold exactly one tensor.",
                "",
                "Exit codes: 0 written, 1 IN cannot be read or OUT cannot hold it (the reason is on stderr), 2 bad command line.");
    }

    static Request parse(String[] args) {
        List<Path> files = new java.util.ArrayList<>();
        boolean drop = false;
        for (String a : args) {
            switch (a) {
                case "--drop-non-tensors" -> drop = true;
                case "--debug" -> {
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new UsageException("unknown option " + a);
                    }
                    files.add(Path.of(a));
                }
            }
        }
        if (files.size() != 2) {
            throw new UsageException("convert takes two files, IN and OUT; got " + files.size());
        }
        targetFormat(files.get(1));
        return new Request(files.get(0), files.get(1), drop);
    }

    /** The format OUT's extension names; an unknown extension is a usage error (no guessing what to write). */
    static Format targetFormat(Path out) {
        String n = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : List.of(".pkl", ".pickle", ".pt", ".pth", ".safetensors", ".npz", ".npy")) {
            if (n.endsWith(ext)) {
                return Format.ofPath(out);
            }
        }
        throw new UsageException("cannot tell which format to write from the name " + out
                + "; end it with .pkl, .pt, .pth, .safetensors, .npz or .npy");
    }

    static void run(Request r, PrintStream out, PrintStream err) {
        LoadedFile in;
        try {
            in = LoadedFile.read(r.in(), LoadOptions.builder().mapLocation("cpu0").build());   // GPU-saved files convert anywhere
        } catch (RefusedGlobalException e) {
            throw new CliFailure(e.getMessage() + "\n'" + Cli.program() + " inspect " + r.in()
                    + "' shows what the file holds without loading it.");
        }
        Format target = targetFormat(r.out());
        Object toSave;
        int tensors;
        if (target == Format.SAFETENSORS || target == Format.NPZ || target == Format.NPY) {
            Flattener.Result flat = Flattener.flatten(in.root());
            String targetName = "." + LoadedFile.name(target);
            if (!flat.others().isEmpty()) {
                String listed = Flattener.describe(flat.others(), 20);
                if (!r.dropNonTensors() || target == Format.NPY) {
                    throw new CliFailure(targetName + " holds only tensors, but " + r.in() + " has "
                            + flat.others().size() + (flat.others().size() == 1 ? " value that is not one: " : " values that are not: ")
                            + listed + (target == Format.NPY ? ""
                            : ". Convert with --drop-non-tensors to leave them out, or write .pkl or .pt, which keep them"));
                }
                err.println("left out " + flat.others().size() + " values that " + targetName + " cannot hold: " + listed);
            }
            if (flat.tensors().isEmpty()) {
                throw new CliFailure(r.in() + " holds no tensors, so there is nothing to write to " + targetName);
            }
            tensors = flat.tensors().size();
            if (target == Format.NPY) {
                if (tensors != 1) {
                    throw new CliFailure(".npy holds one tensor, but " + r.in() + " has " + tensors
                            + "; write .npz or .safetensors for several");
                }
                toSave = flat.tensors().values().iterator().next();
            } else if (target == Format.SAFETENSORS && !in.metadata().isEmpty()) {
                Map<String, Object> withMeta = new LinkedHashMap<>(flat.tensors());
                withMeta.put(Safetensors.METADATA, in.metadata());
                toSave = withMeta;
            } else {
                toSave = flat.tensors();
            }
        } else {
            toSave = in.root();
            tensors = (int) Inventory.of(in.root()).uniqueTensors();
        }
        if (!in.metadata().isEmpty() && target != Format.SAFETENSORS) {
            err.println("left out the __metadata__ of " + r.in() + " (" + in.metadata().size() + " entries): only .safetensors has a place for it");
        }
        Mge.save(toSave, r.out());
        long size;
        try {
            size = Files.size(r.out());
        } catch (java.io.IOException e) {
            size = -1;
        }
        out.println("wrote " + r.out() + ": " + LoadedFile.name(target) + ", " + Sizes.count(tensors)
                + (tensors == 1 ? " tensor" : " tensors") + (size >= 0 ? ", " + Sizes.bytes(size) : ""));
    }

}
