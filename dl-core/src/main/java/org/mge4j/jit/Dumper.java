package org.mge4j.jit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mge4j.serialization.AtomicFiles;

/** {@link TracedFunction#dump}'s work: MegEngine's checks, naming, the optimisation passes, and the file. */
final class Dumper {
    private Dumper() {
    }

    static DumpResult dump(Graph recorded, Outputs form, Path path, DumpOptions o) {
        Graph.Node untraceable = recorded.firstUntraceable();
        if (untraceable != null) {
            throw new TraceError.NotTraceable(untraceable.opName);
        }
        for (Graph.Node n : recorded.nodes) {
            if (n.kind == OpKind.BATCH_NORM && n.boolAttr("training")) {
                throw new IllegalStateException("cannot dump a graph with batch_norm in training mode: it normalises with "
                        + "batch statistics and updates running statistics. Call model.eval() before tracing the function you dump");
            }
        }
        int nIn = recorded.inputs.size();
        if (o.argNames() != null && o.argNames().size() != nIn) {
            throw new IllegalArgumentException("wrong number of arg_names, should be " + nIn + " values");
        }
        if (form.form() == Outputs.Form.MAP && o.outputNames() != null) {
            throw new IllegalArgumentException("cannot specify output_names when output is already in dict format");
        }
        int nOut = recorded.outputs.size();
        if (o.outputNames() != null && o.outputNames().size() != nOut) {
            throw new IllegalArgumentException("wrong number of output_names, should be " + nOut + " values");
        }
        Graph g = recorded.frozenCopy();
        for (int i = 0; i < nIn; i++) {
            g.inputs.get(i).name = o.argNames() != null ? o.argNames().get(i) : "arg_" + i;
        }
        List<String> outNames = outputNames(g, form, o);
        if (o.optimizeForInference()) {
            optimize(g, o.fuseConvBiasNonlinearity());
        } else {
            DeadCodeRemoval.run(g);
        }
        nameVars(g, o.keepVarName());
        boolean onnx = o.format() == DumpOptions.Format.ONNX || o.format() == DumpOptions.Format.AUTO
                && path.getFileName() != null && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        byte[] bytes = onnx ? OnnxExporter.export(g, outNames) : MgeWriter.write(g, outNames);
        AtomicFiles.write(path, out -> out.write(bytes));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        List<String> params = new ArrayList<>();
        for (Graph.Var c : g.consts) {
            params.add(c.name);
        }
        return new DumpResult(g.inputs.size() + g.consts.size() + g.nodes.size(), bytes.length, g.constBytes(), String.format("%08x", crc.getValue()),
                MgeReader.names(g.inputs), List.copyOf(outNames), params);
    }

    /** The passes optimize_for_inference runs, in order. */
    static void optimize(Graph g, boolean fuse) {
        DropoutRemoval.run(g);
        ConstantFolding.run(g);
        AffineFolding.run(g);
        if (fuse) {
            ConvBiasReluFusion.run(g);
        }
        DeadCodeRemoval.run(g);
    }

    /** Output names: given ones, sorted map keys, a tensor's own name, or the producing op's auto name (ADD). */
    private static List<String> outputNames(Graph g, Outputs form, DumpOptions o) {
        List<String> names = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < g.outputs.size(); i++) {
            Graph.Var v = g.outputs.get(i);
            String name;
            if (o.outputNames() != null) {
                name = o.outputNames().get(i);
            } else if (form.form() == Outputs.Form.MAP) {
                name = form.keys().get(i);
            } else if (o.keepVarName() >= 1 && v.name != null && !v.name.isEmpty()) {
                name = v.name;
            } else {
                name = v.producer != null ? v.producer.kind.autoName() : v.role == Graph.Role.INPUT ? v.name : "CONST";
            }
            String unique = name;
            for (int k = 1; !used.add(unique); k++) {
                unique = name + "_" + k;
            }
            names.add(unique);
        }
        return names;
    }

    /** keepVarName 0 and 1 drop the names of internal vars and constants; 2 keeps them, and names the rest. */
    private static void nameVars(Graph g, int keep) {
        int k = 0;
        for (Graph.Var c : g.consts) {
            c.name = keep == 2 && c.name != null ? c.name : "const_" + k;
            k++;
        }
        for (Graph.Node n : g.nodes) {
            n.output.name = keep == 2 ? (n.output.name != null ? n.output.name : n.kind.autoName() + "_" + k++) : null;
        }
    }
}
