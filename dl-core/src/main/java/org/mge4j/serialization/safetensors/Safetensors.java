package org.mge4j.serialization.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.DType;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.numpy.NumpyDtype;
import org.nd4j.shade.jackson.core.JsonParser;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian data. Reading applies every check of the reference (Rust) reader
 * before any tensor is allocated: header size bound, UTF-8 and JSON validity, no duplicate keys, known dtypes,
 * contiguous in-bounds offsets with no gap or overlap, shapes that match the byte sizes, and no trailing bytes.
 * Jackson comes with ND4J (shaded), so it adds no dependency.
 */
public final class Safetensors {
    /** The reference reader's limit on the JSON header. */
    public static final long MAX_HEADER = 100_000_000L;
    /** The header key that holds the string-to-string metadata map. */
    public static final String METADATA = "__metadata__";
    private static final long MAX_INT_JSON = 1L << 48;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Safetensors() {
    }

    /**
     * The content of a safetensors file: tensors in header order, and the metadata map (empty when absent).
     *
     * @param tensors  name to tensor
     * @param metadata the {@code __metadata__} strings
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** One tensor of the header; {@code bf16} marks BF16 data, which loads as float32 ({@code dtype}). */
    private record Entry(String name, DType dtype, boolean bf16, long[] shape, long begin, long end) {
        int itemSize() {
            return bf16 ? 2 : dtype.itemSize();
        }
    }

    /**
     * Reads and validates a whole safetensors file.
     *
     * @param what names the file in error messages
     * @throws SerializationException naming the first check that fails
     */
    public static Contents read(byte[] data, String what) {
        if (data.length < 8) {
            throw new SerializationException(what + " is not a safetensors file: " + data.length + " bytes, fewer than the 8-byte header length (HeaderTooSmall)");
        }
        long n = ByteBuffer.wrap(data, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER) {
            throw new SerializationException(what + ": safetensors header length " + Long.toUnsignedString(n) + " is over the " + MAX_HEADER + "-byte limit (HeaderTooLarge)");
        }
        if (8 + n > data.length) {
            throw new SerializationException(what + ": safetensors header length " + n + " runs past the end of the " + data.length + "-byte file (InvalidHeaderLength)");
        }
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new SerializationException(what + ": the safetensors header is not valid UTF-8 (InvalidHeader)", e);
        }
        if (!header.startsWith("{")) {
            throw new SerializationException(what + ": the safetensors header must start with '{' (InvalidHeaderStart)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) {
            throw new SerializationException(what + ": the safetensors header is not valid JSON (InvalidHeaderDeserialization): " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new SerializationException(what + ": the safetensors header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (var it = root.fields(); it.hasNext(); ) {
            var f = it.next();
            if (f.getKey().equals(METADATA)) {
                metadata = metadata(f.getValue(), what);
            } else {
                entries.add(entry(f.getKey(), f.getValue(), what));
            }
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected || e.end() < e.begin()) {
                throw new SerializationException(what + ": tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", " + e.end()
                        + "] but the previous tensor ends at " + expected + "; offsets must be contiguous, without gaps or overlaps (InvalidOffset)");
            }
            long need = ArrayBytes.byteSize(e.shape(), e.itemSize());
            if (need != e.end() - e.begin()) {
                throw new SerializationException(what + ": tensor '" + e.name() + "' of shape " + java.util.Arrays.toString(e.shape()) + " and "
                        + (e.bf16() ? "BF16" : SafetensorsDtype.name(e.dtype())) + " needs " + need + " bytes but its data_offsets span " + (e.end() - e.begin()) + " (TensorInvalidInfo)");
            }
            expected = e.end();
        }
        if (8 + n + expected != data.length) {
            throw new SerializationException(what + ": the tensors end at byte " + (8 + n + expected) + " but the file has " + data.length
                    + " bytes; truncated or with trailing bytes (MetadataIncompleteBuffer)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        NumpyDtype le;
        for (Entry e : entries) {
            le = NumpyDtype.of(e.dtype()).withByteOrder('<');
            int from = (int) (8 + n + e.begin());
            int len = (int) (e.end() - e.begin());
            tensors.put(e.name(), e.bf16() ? ArrayBytes.toTensor(bf16ToF32(data, from, len), 0, len * 2, le, e.shape(), 'C')
                    : ArrayBytes.toTensor(data, from, len, le, e.shape(), 'C'));
        }
        return new Contents(tensors, metadata);
    }

    /** bfloat16 is the top half of a float32: widening is exact. */
    private static byte[] bf16ToF32(byte[] data, int from, int len) {
        byte[] f32 = new byte[len * 2];
        for (int i = 0; i < len / 2; i++) {
            f32[i * 4 + 2] = data[from + i * 2];
            f32[i * 4 + 3] = data[from + i * 2 + 1];
        }
        return f32;
    }

    private static Map<String, String> metadata(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new SerializationException(what + ": safetensors __metadata__ must be a map of strings to strings");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var f = it.next();
            if (!f.getValue().isTextual()) {
                throw new SerializationException(what + ": safetensors __metadata__ value for '" + f.getKey() + "' is not a string (nested values are not allowed)");
            }
            m.put(f.getKey(), f.getValue().asText());
        }
        return m;
    }

    private static Entry entry(String name, JsonNode node, String what) {
        String where = what + ": tensor '" + name + "'";
        if (!node.isObject() || node.size() != 3 || !node.has("dtype") || !node.has("shape") || !node.has("data_offsets")) {
            throw new SerializationException(where + " must be an object with exactly dtype, shape and data_offsets (InvalidHeaderDeserialization)");
        }
        JsonNode dt = node.get("dtype");
        if (!dt.isTextual() || !SafetensorsDtype.BITS.containsKey(dt.asText())) {
            throw new SerializationException(where + " has an unknown dtype " + dt + " (InvalidHeaderDeserialization)");
        }
        boolean bf16 = dt.asText().equals("BF16");
        DType dtype = bf16 ? DType.FLOAT32 : SafetensorsDtype.dtype(dt.asText(), name);
        long[] shape = longs(node.get("shape"), -1, where + " shape");
        long[] offsets = longs(node.get("data_offsets"), 2, where + " data_offsets");
        if (shape.length > ArrayBytes.MAX_RANK) {
            throw new SerializationException(where + " has rank " + shape.length + ", above the limit of " + ArrayBytes.MAX_RANK);
        }
        return new Entry(name, dtype, bf16, shape, offsets[0], offsets[1]);
    }

    private static long[] longs(JsonNode node, int count, String where) {
        if (node == null || !node.isArray() || (count >= 0 && node.size() != count)) {
            throw new SerializationException(where + " must be a JSON array" + (count >= 0 ? " of " + count + " integers" : " of integers"));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() >= MAX_INT_JSON) {
                throw new SerializationException(where + " must hold integers from 0 to 2^48, got " + v);
            }
            out[i] = v.asLong();
        }
        return out;
    }

    /**
     * Writes tensors and metadata as the reference writer does: tensors sorted by alignment (largest item first)
     * then name, metadata first in the header, header padded with spaces to a multiple of 8.
     */
    public static void write(Map<String, Tensor> tensors, Map<String, String> metadata, OutputStream out) throws IOException {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -SafetensorsDtype.alignment(e.getValue().dtype()))
                .thenComparing(Map.Entry::getKey));
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        List<byte[]> datas = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : order) {
            Tensor t = e.getValue();
            byte[] b = ArrayBytes.toBytes(t);
            ObjectNode o = root.putObject(e.getKey());
            o.put("dtype", SafetensorsDtype.name(t.dtype()));
            ArrayNode shape = o.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.putArray("data_offsets").add(offset).add(offset + b.length);
            offset += b.length;
            datas.add(b);
        }
        byte[] h = JSON.writeValueAsBytes(root);
        int padded = (h.length + 7) / 8 * 8;
        byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array();
        out.write(len);
        out.write(h);
        out.write(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
        for (byte[] b : datas) {
            out.write(b);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
