package org.mge4j.jit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mge4j.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A graph loaded from a {@code .mge} file by {@link Jit#load}, ready to run (MegEngine's
 * {@code GraphInference}): it needs nothing of the code that traced it, only the graph and its weights.
 * <pre>{@code
 * var net = Jit.load("convnet.mge");
 * Map<String, Tensor> out = net.run(Map.of("data", x));
 * }</pre>
 *
 * <p>Each new input shape is prepared once (the last four are kept): over ND4J with output memory and native op
 * contexts set up, and, when every op has a Java form, as a Java plan with no native call between input and output.
 * The Java plan's arithmetic uses the JDK's vector API when the JVM has it ({@code --add-modules
 * jdk.incubator.vector}, which {@code mge4j run} passes; the JVM then prints a warning at start) and plain loops
 * that the JIT vectorises otherwise (several times slower than the vector API, still several times faster than
 * ND4J at batch 1). The first call of a shape times both forms and keeps the faster (up to ~3 s the first time in a JVM
 * while the JIT compiles the Java kernels; {@code -Dmge4j.jit.kernels=java|nd4j} skips the timing, and
 * {@code vector} is an older name for {@code java}). The two agree within float rounding (1e-4 relative), and each
 * prepared op is checked against an ordinary run before use.
 */
public final class GraphInference {
    /** Files over this size are refused before they are read. */
    static final long MAX_FILE = Integer.MAX_VALUE - 64;

    private final Graph graph;
    private final Interpreter interpreter;

    private GraphInference(Graph graph) {
        this.graph = graph;
        this.interpreter = new Interpreter(graph);
    }

    /** Loads and validates {@code path}. */
    static GraphInference load(Path path) {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE) {
                throw new MgeFileException("cannot load " + path + ": it is " + size + " bytes; .mge files over 2 GB are not supported");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new MgeFileException("no such file: " + path.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new MgeFileException("could not read " + path + ": " + e, e);
        }
        return new GraphInference(MgeReader.read(path.toString(), bytes));
    }

    /** Loads a graph from the bytes of a {@code .mge} file; {@code name} names it in errors. */
    static GraphInference fromBytes(String name, byte[] bytes) {
        return new GraphInference(MgeReader.read(name, bytes));
    }

    /** The input names, in the order {@link #run(Tensor...)} takes them. */
    public List<String> inputNames() {
        return MgeReader.names(graph.inputs);
    }

    /** The shapes the inputs had when the function was traced, by name (the first axis may differ at run time). */
    public Map<String, long[]> inputShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Graph.Var v : graph.inputs) {
            out.put(v.name, v.shape.clone());
        }
        return out;
    }

    /** The output names, in order. */
    public List<String> outputNames() {
        return List.copyOf(graph.outputNames);
    }

    /** How many ops the graph runs. */
    public int opCount() {
        return graph.nodes.size();
    }

    /** The names of the ops in execution order, e.g. {@code [conv2d+relu, max_pool2d, ...]}. */
    public List<String> opNames() {
        List<String> out = new ArrayList<>();
        for (Graph.Node n : graph.nodes) {
            out.add(n.kind.opName + (n.attrs.containsKey("nonlinearity") ? "+" + n.attrs.get("nonlinearity") : ""));
        }
        return out;
    }

    /**
     * Runs the graph on inputs given by name; the result maps output names to tensors, in output order. The names
     * must be exactly the graph's input names.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        List<String> names = inputNames();
        if (!new TreeSet<>(inputs.keySet()).equals(new TreeSet<>(names))) {
            throw new IllegalArgumentException("This model expects inputs " + pyList(names) + ", but gets inputs "
                    + pyList(new ArrayList<>(inputs.keySet())));
        }
        Tensor[] ordered = new Tensor[names.size()];
        for (int i = 0; i < ordered.length; i++) {
            ordered[i] = inputs.get(names.get(i));
        }
        return run(ordered);
    }

    /** Runs the graph on inputs in {@link #inputNames()} order. */
    public Map<String, Tensor> run(Tensor... inputs) {
        if (inputs.length != graph.inputs.size()) {
            throw new IllegalArgumentException("This model expects " + graph.inputs.size() + " inputs " + pyList(inputNames())
                    + ", but gets " + inputs.length);
        }
        INDArray[] in = new INDArray[inputs.length];
        for (int i = 0; i < in.length; i++) {
            Graph.Var v = graph.inputs.get(i);
            INDArray a = inputs[i].nd();
            if (a.rank() == 0 && v.shape.length == 1 && v.shape[0] == 1) {
                a = a.reshape(1);
            }
            checkShape(v, a.shape());
            in[i] = a.dataType() == v.dtype ? a : a.castTo(v.dtype);
        }
        INDArray[] out = interpreter.run(in);
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            result.put(graph.outputNames.get(i), Tensor.wrap(out[i]));
        }
        return result;
    }

    /** Which prepared form runs inputs like these (tests): "java", "nd4j" or "none". */
    String preparedForm(Tensor... inputs) {
        INDArray[] in = new INDArray[inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = inputs[i].nd();
        }
        return interpreter.preparedForm(in);
    }

    private static void checkShape(Graph.Var v, long[] got) {
        boolean ok = got.length == v.shape.length;
        for (int d = 1; ok && d < got.length; d++) {
            ok = got[d] == v.shape[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("input '" + v.name + "' must have shape " + Tensor.shapeString(v.shape)
                    + " (any size on the first axis), got " + Tensor.shapeString(got));
        }
    }

    private static String pyList(List<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String n : names) {
            sb.append(sb.length() > 1 ? ", " : "").append('\'').append(n).append('\'');
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return "GraphInference(inputs=" + inputNames() + ", outputs=" + outputNames() + ", " + opCount() + " ops)";
    }
}
