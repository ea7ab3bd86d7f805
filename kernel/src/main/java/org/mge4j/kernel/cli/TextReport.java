package org.mge4j.kernel.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.serialization.PickledObject;
import org.mge4j.serialization.UntrustedObject;

/**
 * {@code mge4j inspect FILE}: the file's structure as an indented tree (one line per key; lists of plain values on
 * one line), each tensor with dtype, shape, elements and bytes, then the totals and any untrusted globals.
 */
final class TextReport implements ObjectWalker.Visitor {
    private final PrintStream out;

    private TextReport(PrintStream out) {
        this.out = out;
    }

    /** Prints the report of {@code file} to {@code out}. */
    static void print(LoadedFile file, Inventory inv, PrintStream out) {
        out.println(Scalars.safe(file.path().toString()) + ": " + LoadedFile.name(file.format()) + ", "
                + Sizes.bytes(file.size()) + (file.size() >= 1024 ? " (" + Sizes.count(file.size()) + " bytes)" : ""));
        ObjectWalker.walk(file.root(), new TextReport(out));
        if (!file.metadata().isEmpty()) {
            out.println("metadata: " + file.metadata().entrySet().stream()
                    .map(e -> Scalars.safe(e.getKey()) + "=" + Scalars.quote(e.getValue(), Scalars.MAX_STRING))
                    .collect(Collectors.joining(", ")));
        }
        long shared = inv.tensors().size() - inv.uniqueTensors();
        out.println("total: " + (inv.uniqueTensors() == 0 ? "no tensors"
                : Sizes.count(inv.uniqueTensors()) + (inv.uniqueTensors() == 1 ? " tensor" : " tensors")
                + (shared > 0 ? " (" + Sizes.count(shared) + (shared == 1 ? " more key shares one)" : " more keys share them)") : "")
                + ", " + Sizes.count(inv.elements()) + " elements, " + Sizes.bytes(inv.bytes())
                + (inv.bytes() >= 1024 ? " (" + Sizes.count(inv.bytes()) + " bytes)" : "")));
        if (!inv.untrusted().isEmpty()) {
            out.println("untrusted globals: " + inv.untrusted().stream().map(Scalars::safe).collect(Collectors.joining(", "))
                    + " (shown, never imported or run; Mge.load refuses this file)");
        }
    }

    /** {@code float32 [2, 3], 6 elements, 24 B}. */
    static String describe(Tensor t) {
        return t.dtype() + " " + Arrays.toString(t.shape()) + (t instanceof Parameter ? " parameter" : "") + ", "
                + Sizes.count(TensorDigest.elements(t)) + (TensorDigest.elements(t) == 1 ? " element, " : " elements, ")
                + Sizes.bytes(TensorDigest.byteSize(t));
    }

    private void line(Object key, int depth, String text) {
        String indent = "  ".repeat(depth);
        out.println(key == null ? text : indent + Scalars.safe(ObjectWalker.keyText(key)) + ": " + text);
    }

    @Override
    public boolean enter(Object key, String path, Object c, int depth) {
        int n = ObjectWalker.size(c);
        if (c instanceof UntrustedObject || c instanceof PickledObject) {
            String text = c instanceof UntrustedObject ? Scalars.safe(c.toString())
                    : "<object " + Scalars.safe(((PickledObject) c).global()) + " (trusted, not loaded)>";
            line(key, depth, text);
            return true;
        }
        String kind = ObjectWalker.kind(c);
        String count = kind + ", " + Sizes.count(n) + (c instanceof Map ? (n == 1 ? " entry" : " entries") : (n == 1 ? " item" : " items"));
        if (!(c instanceof Map) && ObjectWalker.children(c).stream().allMatch(e -> ObjectWalker.isScalar(e.getValue()))) {
            line(key, depth, count + (n == 0 ? "" : ": " + Scalars.repr(c)));
            return false;
        }
        line(key, depth, count);
        return true;
    }

    @Override
    public void leave(Object container, int depth) {
    }

    @Override
    public void tensor(Object key, String path, Tensor t, int depth) {
        line(key, depth, describe(t));
    }

    @Override
    public void scalar(Object key, String path, Object value, int depth) {
        line(key, depth, Scalars.repr(value));
    }

    @Override
    public void reference(Object key, String path, Object target, String firstPath, int depth) {
        line(key, depth, "same " + ObjectWalker.kind(target) + " as " + Scalars.safe(firstPath.isEmpty() ? "(the root)" : firstPath));
    }
}
