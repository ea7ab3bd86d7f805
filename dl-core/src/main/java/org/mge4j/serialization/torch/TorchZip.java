package org.mge4j.serialization.torch;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mge4j.serialization.LoadOptions;
import org.mge4j.serialization.SerializationException;
import org.mge4j.serialization.pickle.Unpickler;

/**
 * Reads a {@code torch.save} zip (PyTorch 1.6+): every entry under one folder, {@code data.pkl} unpickled with the
 * same allowlist as any pickle plus {@code _rebuild_tensor_v2} and the storage classes, and each persistent id
 * {@code ('storage', torch.FloatStorage, key, location, numel)} answered with {@code data/KEY}, whose size must be
 * exactly {@code numel * itemsize}. Each storage's location ({@code "cpu"}, {@code "cuda:0"}) is read as MegEngine's
 * device name ({@link #megEngineName}) and goes through {@code LoadOptions.mapLocation}, so a file saved on a GPU
 * loads on a CPU-only machine with {@code mapLocation("cpu0")}. Entries must be stored (torch never compresses), so nothing read can be larger
 * than the file. The pre-1.6 tar/pickle format is refused, as {@code weights_only} loading refuses it.
 */
public final class TorchZip {
    private TorchZip() {
    }

    /** True when the bytes start like a zip. */
    public static boolean isZip(byte[] d) {
        return d.length >= 4 && d[0] == 'P' && d[1] == 'K' && d[2] == 3 && d[3] == 4;
    }

    /**
     * The object a {@code torch.save} file holds, with tensors as mge4j Tensors.
     *
     * @throws SerializationException for a legacy or corrupt file, a missing record, or a refused global
     */
    public static Object read(byte[] data, LoadOptions options, String what) {
        if (!isZip(data)) {
            throw new SerializationException(what + " is not a torch.save zip" + (data.length > 1 && (data[0] & 0xFF) == 0x80
                    ? ": it looks like the legacy (pre-1.6) torch format, which mge4j refuses like torch.load(weights_only=True); "
                    + "re-save it with a current PyTorch" : ""));
        }
        Map<String, byte[]> records = entries(data, what);
        String prefix = null;
        for (String name : records.keySet()) {
            int slash = name.indexOf('/');
            String p = slash < 0 ? "" : name.substring(0, slash + 1);
            if (prefix == null) {
                prefix = p;
            } else if (!prefix.equals(p)) {
                throw new SerializationException(what + ": torch zip entry '" + name + "' is not under '" + prefix + "' like the first entry");
            }
        }
        byte[] pkl = records.get(prefix + "data.pkl");
        if (pkl == null) {
            throw new SerializationException(what + " has no " + prefix + "data.pkl record: not a torch.save file"
                    + (records.keySet().stream().anyMatch(n -> n.endsWith(".npy")) ? " (it looks like an .npz; load it as .npz)" : ""));
        }
        if (!records.containsKey(prefix + "version") && !records.containsKey(prefix + ".data/version")) {
            throw new SerializationException(what + " has no " + prefix + "version record, which torch.load requires");
        }
        byte[] order = records.get(prefix + "byteorder");
        boolean big = order != null && new String(order, StandardCharsets.US_ASCII).trim().equals("big");
        if (order != null && !big && !new String(order, StandardCharsets.US_ASCII).trim().equals("little")) {
            throw new SerializationException(what + ": byteorder record must be 'little' or 'big'");
        }
        String root = prefix;
        Map<String, TorchStorage> loaded = new HashMap<>();
        return Unpickler.load(pkl, 0, pkl.length, options, pid -> storage(pid, records, root, big, loaded, options, what));
    }

    /**
     * A storage location of torch.save ({@code "cpu"}, {@code "cuda"}, {@code "cuda:1"}) as MegEngine's logical
     * device name ({@code "cpu0:0"}, {@code "gpu0:0"}, {@code "gpu1:0"}), the form {@code mapLocation} maps;
     * other locations ({@code "mps"}, {@code "meta"}) are passed on unchanged, so a mapping can still place them.
     */
    public static String megEngineName(String location) {
        String l = location.strip();
        if (l.equals("cpu")) {
            return "cpu0:0";
        }
        if (l.equals("cuda")) {
            return "gpu0:0";
        }
        if (l.matches("cuda:\\d+")) {
            return "gpu" + Integer.parseInt(l.substring(5)) + ":0";
        }
        return location;
    }

    private static TorchStorage storage(Object pid, Map<String, byte[]> records, String prefix, boolean big,
                                        Map<String, TorchStorage> loaded, LoadOptions options, String what) {
        if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0)) || !(t.get(2) instanceof String key)
                || !(t.get(4) instanceof Number numel) || numel.longValue() < 0) {
            throw new SerializationException(what + ": persistent id " + pid + " is not ('storage', class, key, location, numel)");
        }
        String kind = String.valueOf(t.get(1));
        if (!TorchStorage.isStorageClass(kind)) {
            throw new SerializationException(what + ": persistent id names storage class " + kind + ", which mge4j does not read");
        }
        kind = kind.substring(6);
        TorchStorage seen = loaded.get(key);
        if (seen != null) {
            if (!seen.kind().equals(kind)) {
                throw new SerializationException(what + ": storage " + key + " is used as both " + seen.kind() + " and " + kind);
            }
            return seen;
        }
        byte[] bytes = records.get(prefix + "data/" + key);
        if (bytes == null) {
            throw new SerializationException(what + ": storage record " + prefix + "data/" + key + " is missing");
        }
        int item = TorchStorage.itemSize(kind);
        if (numel.longValue() > bytes.length / item || numel.longValue() * item != bytes.length) {
            throw new SerializationException(what + ": storage " + key + " declares " + numel + " elements of " + item
                    + " bytes but its record has " + bytes.length + " bytes");
        }
        if (big && item > 1) {
            bytes = bytes.clone();
            for (int i = 0; i < bytes.length; i += item) {
                for (int a = i, b = i + item - 1; a < b; a++, b--) {
                    byte x = bytes[a];
                    bytes[a] = bytes[b];
                    bytes[b] = x;
                }
            }
        }
        String location = t.get(3) instanceof String l ? l : null;
        if (location == null) {
            throw new SerializationException(what + ": persistent id " + pid + " has no location string (such as 'cpu' or 'cuda:0')");
        }
        TorchStorage s = new TorchStorage(key, kind, bytes, numel.longValue(),
                options.device(megEngineName(location), "torch storage " + key));
        loaded.put(key, s);
        return s;
    }

    private static Map<String, byte[]> entries(byte[] data, String what) {
        Map<String, byte[]> out = StoredZip.read(data, what);
        if (out.isEmpty()) {
            throw new SerializationException(what + " is an empty zip, not a torch.save file");
        }
        return out;
    }
}
