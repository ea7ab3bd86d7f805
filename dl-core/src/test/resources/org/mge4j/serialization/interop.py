"""Python side of PythonInteropTest. `write DIR` pickles arrays at protocols 2-5 plus a manifest of their bytes;
`read DIR` loads every *.pkl Java wrote (with warnings as errors; pickle.load, pickle.loads and numpy.load must agree)
and prints the same manifest as JSON, plus how many bytes of each file follow the pickle (Java's checksum trailer)."""
import collections, hashlib, json, os, pickle, sys, warnings
import numpy as np

def digest(a):
    shape = list(a.shape)
    a = np.ascontiguousarray(a)  # note: makes 0-d arrays 1-d, hence the shape taken before
    le = a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a
    return {"dtype": le.dtype.str.lstrip("<|>="), "shape": shape, "sha256": hashlib.sha256(le.tobytes()).hexdigest()}

def walk(prefix, obj, out):
    if isinstance(obj, np.ndarray):
        out[prefix] = digest(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            walk(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            walk(f"{prefix}.{i}", v, out)
    else:
        out[prefix] = {"value": repr(obj), "type": type(obj).__name__}

def sample():
    rng = np.random.default_rng(7)
    sd = collections.OrderedDict()
    sd["conv.weight"] = rng.standard_normal((4, 3, 3, 3)).astype("f4")
    sd["conv.bias"] = rng.standard_normal((1, 4, 1, 1)).astype("f4")
    sd["fortran"] = np.asfortranarray(rng.standard_normal((3, 5)))
    sd["big_endian"] = np.arange(-4, 4, dtype=">i8")
    sd["half"] = rng.standard_normal(7).astype("f2")
    sd["int32"] = np.arange(10, dtype="i4").reshape(2, 5)
    sd["uint8"] = np.arange(256, dtype="u1")
    sd["int8"] = np.arange(-128, 128, dtype="i1")
    sd["bool"] = np.array([[True, False], [False, True]])
    sd["scalar"] = np.array(2.5, dtype="f8")
    sd["empty"] = np.zeros((0, 3), dtype="f4")
    sd["transposed"] = rng.standard_normal((2, 3, 4)).astype("f4").transpose(2, 0, 1)
    # over 64 KiB: Java reads these straight from the file into the tensor
    sd["large"] = rng.standard_normal((256, 300)).astype("f4")
    sd["large_big_endian"] = rng.standard_normal((100, 100)).astype(">f8")
    sd["large_fortran"] = np.asfortranarray(rng.standard_normal((128, 130)).astype("f4"))
    return {"epoch": 5, "loss": 0.125, "model_state_dict": sd,
            "optimizer_state_dict": {"param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1]}],
                                     "state": {0: {"step": np.array(1.0, dtype="f4")}}}}

if __name__ == "__main__":
    mode, d = sys.argv[1], sys.argv[2]
    warnings.simplefilter("error")
    if mode == "write":
        obj = sample()
        for p in (2, 3, 4, 5):
            with open(os.path.join(d, f"py_p{p}.pkl"), "wb") as f:
                pickle.dump(obj, f, protocol=p)
        m = {}
        walk("", obj, m)
        with open(os.path.join(d, "py_manifest.json"), "w") as f:
            json.dump(m, f)
    else:
        result, trailers = {}, {}
        for name in sorted(os.listdir(d)):
            if name.startswith("java_") and name.endswith(".pkl"):
                path = os.path.join(d, name)
                with open(path, "rb") as f:
                    obj = pickle.load(f)
                    after_stop = os.path.getsize(path) - f.tell()  # the checksum trailer Python skips
                    f.seek(0)
                    whole = f.read()
                m = {"__type__": {"value": type(obj).__name__}}
                walk("", obj, m)
                for other in (pickle.loads(whole), np.load(path, allow_pickle=True)):
                    again = {"__type__": {"value": type(other).__name__}}
                    walk("", other, again)
                    assert again == m, f"{name}: pickle.loads / numpy.load disagree with pickle.load"
                result[name] = m
                trailers[name] = after_stop
        result["__bytes_after_stop__"] = trailers
        print(json.dumps(result))
