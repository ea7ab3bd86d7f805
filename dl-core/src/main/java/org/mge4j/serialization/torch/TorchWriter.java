package org.mge4j.serialization.torch;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mge4j.Tensor;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.numpy.ArrayBytes;
import org.mge4j.serialization.pickle.TorchPickler;

/**
 * Writes a {@code torch.save}-style zip that {@code torch.load(path, weights_only=True)} accepts: {@code data.pkl}
 * in protocol 2 with one persistent storage per distinct tensor, {@code data/N} little-endian, {@code byteorder},
 * and {@code version}; entries stored, each record's data aligned to 64 bytes as PyTorch aligns them.
 */
public final class TorchWriter {
    private static final String PREFIX = "archive/";

    private TorchWriter() {
    }

    /** Writes {@code obj} (maps, lists, numbers, strings, tensors) as a torch.save zip to {@code out}. */
    public static void write(Object obj, OutputStream out) throws IOException {
        IdentityHashMap<Tensor, List<Object>> ids = new IdentityHashMap<>();
        List<byte[]> storages = new ArrayList<>();
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        TorchPickler.dump(obj, pkl, t -> ids.computeIfAbsent(t, k -> {
            String key = Integer.toString(storages.size());
            storages.add(ArrayBytes.toBytes(k));
            return List.of("storage", storageClass(k), key, "cpu", k.size());
        }));
        Counting counting = new Counting(out);
        ZipOutputStream zip = new ZipOutputStream(counting);
        entry(zip, counting, PREFIX + "data.pkl", pkl.toByteArray());
        entry(zip, counting, PREFIX + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < storages.size(); i++) {
            entry(zip, counting, PREFIX + "data/" + i, storages.get(i));
        }
        entry(zip, counting, PREFIX + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    private static String storageClass(Tensor t) {
        switch (t.dtype()) {
            case FLOAT32: return "FloatStorage";
            case FLOAT64: return "DoubleStorage";
            case FLOAT16: return "HalfStorage";
            case INT64: return "LongStorage";
            case INT32: return "IntStorage";
            case INT8: return "CharStorage";
            case UINT8: return "ByteStorage";
            case BOOL: return "BoolStorage";
            default: throw new SerializationException("dtype " + t.dtype() + " has no torch storage class");
        }
    }

    /** A stored entry whose data starts at a multiple of 64, padded with an 'FB' extra field as PyTorch does. */
    private static void entry(ZipOutputStream zip, Counting counting, String name, byte[] data) throws IOException {
        zip.flush();
        int nameLen = name.getBytes(StandardCharsets.UTF_8).length;
        long dataAt = counting.count + 30 + nameLen + 4;
        int pad = (int) ((64 - dataAt % 64) % 64);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >> 8);
        java.util.Arrays.fill(extra, 4, extra.length, (byte) 'Z');
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Counts the bytes written so far, to place each entry's data on a 64-byte boundary. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

}
