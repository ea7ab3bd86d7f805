package org.mge4j.kernel.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.mge4j.Parameter;
import org.mge4j.Tensor;
import org.mge4j.serialization.PickledObject;
import org.mge4j.serialization.UntrustedObject;

/**
 * {@code mge4j inspect FILE --json}: one JSON document with {@code file}, {@code format}, {@code file_bytes},
 * {@code tensors} (per path: dtype, shape, elements, bytes, the {@link TensorDigest SHA-256} of its little-endian
 * C-order bytes, and {@code same_as} for a tensor shared with an earlier path), {@code totals} (distinct tensors),
 * {@code untrusted_globals}, {@code metadata} (safetensors) and {@code tree}, the whole structure: nodes typed
 * {@code dict} (with {@code entries} of key and value), {@code list}/{@code tuple}/{@code set} (with {@code items}),
 * {@code tensor}, {@code object} (an untrusted global, never loaded), {@code reference}, {@code str}, {@code int},
 * {@code float} (non-finite values as the strings {@code "nan"}, {@code "inf"}, {@code "-inf"}), {@code bool},
 * {@code none} and {@code bytes}.
 */
final class JsonReport implements ObjectWalker.Visitor {
    private final JsonGenerator g;
    /** The kind of each open container, innermost first: how its children are written. */
    private final Deque<String> parents = new ArrayDeque<>();

    private JsonReport(JsonGenerator g) {
        this.g = g;
    }

    /** Writes the report of {@code file} to {@code out} (not closed). */
    static void write(LoadedFile file, Inventory inv, OutputStream out) throws IOException {
        // the tree nests three JSON levels per container level; the pickle reader has already bounded the depth
        JsonFactory factory = JsonFactory.builder()
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
                .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
                .build();
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("file", file.path().toString());
            g.writeStringField("format", LoadedFile.name(file.format()));
            g.writeNumberField("file_bytes", file.size());
            g.writeArrayFieldStart("tensors");
            for (Inventory.Entry e : inv.tensors()) {
                Tensor t = e.tensor();
                g.writeStartObject();
                g.writeStringField("path", e.path());
                tensorFields(g, t);
                g.writeNumberField("elements", TensorDigest.elements(t));
                g.writeNumberField("bytes", TensorDigest.byteSize(t));
                g.writeStringField("sha256", inv.sha256(t));
                if (e.sameAs() != null) {
                    g.writeStringField("same_as", e.sameAs());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("tensors", inv.uniqueTensors());
            g.writeNumberField("elements", inv.elements());
            g.writeNumberField("bytes", inv.bytes());
            g.writeEndObject();
            g.writeArrayFieldStart("untrusted_globals");
            for (String u : inv.untrusted()) {
                g.writeString(u);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> m : file.metadata().entrySet()) {
                g.writeStringField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
            g.writeFieldName("tree");
            try {
                ObjectWalker.walk(file.root(), new JsonReport(g));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void tensorFields(JsonGenerator g, Tensor t) throws IOException {
        g.writeStringField("dtype", t.dtype().numpyName());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        if (t instanceof Parameter) {
            g.writeBooleanField("parameter", true);
        }
    }

    /** Before a node: a dict's child is wrapped as {key, value}; an object's part is a named field. */
    private void beginChild(Object key) throws IOException {
        String parent = parents.peek();
        if ("dict".equals(parent)) {
            g.writeStartObject();
            g.writeFieldName("key");
            key(key);
            g.writeFieldName("value");
        } else if ("object".equals(parent)) {
            g.writeFieldName((String) key);
        }
    }

    private void endChild() throws IOException {
        if ("dict".equals(parents.peek())) {
            g.writeEndObject();
        }
    }

    private void key(Object key) throws IOException {
        if (key == null) {
            g.writeNull();
        } else if (key instanceof String s) {
            g.writeString(s);
        } else if (key instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (key instanceof Integer || key instanceof Long) {
            g.writeNumber(((Number) key).longValue());
        } else if (key instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (key instanceof Double d && Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(ObjectWalker.keyText(key));
        }
    }

    @Override
    public boolean enter(Object key, String path, Object c, int depth) {
        try {
            beginChild(key);
            String kind = ObjectWalker.kind(c);
            g.writeStartObject();
            g.writeStringField("type", kind);
            if (c instanceof UntrustedObject u) {
                g.writeStringField("name", u.name());
                g.writeBooleanField("trusted", false);
                g.writeStringField("text", u.toString());
            } else if (c instanceof PickledObject p) {
                g.writeStringField("name", p.global());
                g.writeBooleanField("trusted", true);
            } else {
                g.writeArrayFieldStart(c instanceof Map ? "entries" : "items");
            }
            parents.push(kind);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void leave(Object container, int depth) {
        try {
            String kind = parents.pop();
            if (!kind.equals("object")) {
                g.writeEndArray();
            }
            g.writeEndObject();
            endChild();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void tensor(Object key, String path, Tensor t, int depth) {
        try {
            beginChild(key);
            g.writeStartObject();
            g.writeStringField("type", "tensor");
            g.writeStringField("path", path);
            tensorFields(g, t);
            g.writeEndObject();
            endChild();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void scalar(Object key, String path, Object v, int depth) {
        try {
            beginChild(key);
            g.writeStartObject();
            g.writeStringField("type", ObjectWalker.kind(v));
            if (v instanceof String s) {
                g.writeStringField("value", s);
            } else if (v instanceof Boolean b) {
                g.writeBooleanField("value", b);
            } else if (v instanceof BigInteger b) {
                g.writeFieldName("value");
                g.writeNumber(b);
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                if (Double.isFinite(d)) {
                    g.writeFieldName("value");
                    if (v instanceof Float f) {
                        g.writeNumber(f);
                    } else {
                        g.writeNumber(d);
                    }
                } else {
                    g.writeStringField("value", Scalars.floatRepr(d));
                }
            } else if (v instanceof Number n) {
                g.writeNumberField("value", n.longValue());
            } else if (v instanceof byte[] b) {
                g.writeNumberField("length", b.length);
                g.writeStringField("sha256", TensorDigest.sha256(b));
            }
            g.writeEndObject();
            endChild();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void reference(Object key, String path, Object target, String firstPath, int depth) {
        try {
            beginChild(key);
            g.writeStartObject();
            g.writeStringField("type", "reference");
            g.writeStringField("kind", ObjectWalker.kind(target));
            g.writeStringField("path", path);
            g.writeStringField("same_as", firstPath);
            g.writeEndObject();
            endChild();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
