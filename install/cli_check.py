"""End-to-end check of install/mge4j against numpy (run by install/test-kernel.sh).

Writes files with numpy and pickle, then checks that
  * `mge4j inspect --json` reports every array with numpy's dtype, shape and the SHA-256 of its little-endian
    C-order bytes, for a nested .pkl checkpoint and an .npz;
  * `mge4j inspect` shows a pickle calling os.system without running it, and `convert` refuses it;
  * `mge4j convert` .pkl -> .pt -> .safetensors -> .npz keeps every value and dtype (read back by numpy, by
    safetensors or a reader written here, and by torch.load(weights_only=True) when the test venv has torch);
  * a checkpoint into .safetensors is refused naming its non-tensor keys, and --drop-non-tensors flattens it;
  * exit codes: 0 ok, 1 bad file, 2 bad command line.
Usage: python3 cli_check.py WORK_DIR   (MGE4J_JAR may name the kernel jar; needs numpy)
"""
import collections
import hashlib
import json
import os
import pickle
import struct
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MGE4J = os.path.join(HERE, "mge4j")
WORK = sys.argv[1]
os.makedirs(WORK, exist_ok=True)


def path(name):
    return os.path.join(WORK, name)


def mge4j(*args, expect=0):
    r = subprocess.run([MGE4J, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != expect:
        sys.exit(f"cli_check: mge4j {' '.join(args)} exited {r.returncode}, expected {expect}\n"
                 f"--- stdout\n{r.stdout}--- stderr\n{r.stderr}")
    # the JVM's own warnings (native access, Unsafe on JDK 24+) have no place in a tool's output; 'run' adds the
    # vector API module, whose one warning no option silences
    jvm = [line for line in r.stderr.splitlines()
           if line.startswith("WARNING:") and "Using incubator modules" not in line]
    if jvm:
        sys.exit(f"cli_check: mge4j {' '.join(args)} printed the JVM's warnings:\n" + "\n".join(jvm))
    return r


def sha256(a):
    return hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).hexdigest()


def flatten(obj, prefix=""):
    """Dotted paths to arrays, the way mge4j names them (dict keys, list/tuple indices)."""
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, (list, tuple)) else []
    out = {}
    if isinstance(obj, np.ndarray):
        return {prefix: obj}
    for k, v in items:
        out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def check_inspect(name, obj):
    doc = json.loads(mge4j("inspect", "--json", path(name)).stdout)
    expected = flatten(obj)
    got = {t["path"]: t for t in doc["tensors"]}
    assert set(got) == set(expected), (name, sorted(got), sorted(expected))
    for p, a in expected.items():
        t = got[p]
        assert t["dtype"] == a.dtype.name, (name, p, t["dtype"], a.dtype)
        assert t["shape"] == list(a.shape), (name, p, t["shape"], a.shape)
        assert t["elements"] == a.size and t["bytes"] == a.nbytes, (name, p, t)
        assert t["sha256"] == sha256(a), (name, p, "sha256 differs from numpy's")
    return doc


def read_safetensors(file):
    """safetensors' own reader when installed, else the format read here (8-byte length, JSON header, data)."""
    try:
        from safetensors.numpy import load_file
        return load_file(file)
    except ImportError:
        pass
    dtypes = {"F16": "<f2", "F32": "<f4", "F64": "<f8", "I8": "i1", "U8": "u1", "I32": "<i4", "I64": "<i8", "BOOL": "?"}
    with open(file, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    return {k: np.frombuffer(data[base + v["data_offsets"][0]:base + v["data_offsets"][1]],
                             dtype=dtypes[v["dtype"]]).reshape(v["shape"]) for k, v in header.items()}


def same(name, a, b):
    a = np.asarray(a)
    assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b), (name, a.dtype, b.dtype, a, b)


rng = np.random.default_rng(7)
sd = collections.OrderedDict([
    ("conv.weight", rng.standard_normal((4, 1, 3, 3)).astype("f4")),
    ("conv.bias", rng.standard_normal(4).astype("f4")),
    ("fc.weight", np.asfortranarray(rng.standard_normal((3, 5)))),            # float64, Fortran order
    ("half", rng.standard_normal(6).astype("f2")),
    ("steps", np.arange(-3, 3, dtype=">i8")),                                  # big-endian on disk
    ("ids", np.arange(5, dtype="i4")),
    ("bytes", np.array([0, 128, 255], dtype="u1")),
    ("small", np.array([-128, 0, 127], dtype="i1")),
    ("mask", np.array([True, False, True])),
    ("scale", np.array(2.5, dtype="f4")),                                      # 0-d
    ("empty", np.zeros((0, 3), dtype="f4")),
])
ckpt = {"epoch": 3, "loss": 0.125, "model_state_dict": sd,
        "optimizer_state_dict": {"state": {0: {"momentum_buffer": np.ones(4, "f4")}},
                                 "param_groups": [{"lr": 0.01, "params": [0, 1]}]}}
with open(path("sd.pkl"), "wb") as f:
    pickle.dump(sd, f, protocol=4)
with open(path("ckpt.pkl"), "wb") as f:
    pickle.dump(ckpt, f, protocol=2)
np.savez(path("arrays.npz"), **{k.replace(".", "_"): v for k, v in sd.items()})

# 1. inspect: numpy's SHA-256 for every array
check_inspect("ckpt.pkl", ckpt)
check_inspect("arrays.npz", {k.replace(".", "_"): v for k, v in sd.items()})
print("cli_check: inspect --json SHA-256s equal numpy's (.pkl checkpoint, .npz)")

# 2. a pickle that calls os.system: shown, never run; convert refuses it
marker = path("pwned")


class Evil:
    def __reduce__(self):
        return (os.system, (f"touch {marker}",))


with open(path("evil.pkl"), "wb") as f:
    pickle.dump({"w": np.ones(2, "f4"), "evil": Evil()}, f)
out = mge4j("inspect", path("evil.pkl")).stdout
assert "(not loaded: untrusted global)" in out and f"touch {marker}" in out, out
doc = json.loads(mge4j("inspect", "--json", path("evil.pkl")).stdout)
assert doc["untrusted_globals"] in (["posix.system"], ["os.system"], ["nt.system"]), doc["untrusted_globals"]
err = mge4j("convert", path("evil.pkl"), path("evil.pt"), expect=1).stderr
assert "refused to load global" in err and "Traceback" not in err and "\tat " not in err, err
assert not os.path.exists(marker) and not os.path.exists(path("evil.pt"))
print("cli_check: a pickle calling os.system is shown, not run, and not converted")

# 3. convert .pkl -> .pt -> .safetensors -> .npz keeps values and dtypes
mge4j("convert", path("sd.pkl"), path("sd.pt"))
mge4j("convert", path("sd.pt"), path("sd.safetensors"))
mge4j("convert", path("sd.safetensors"), path("sd.npz"))
with np.load(path("sd.npz")) as z:
    assert set(z.files) == set(sd), z.files
    for k, v in sd.items():
        same(k, z[k], v.astype(v.dtype.newbyteorder("=")))
st = read_safetensors(path("sd.safetensors"))
assert set(st) == set(sd), sorted(st)
for k, v in sd.items():
    same(k, st[k], v.astype(v.dtype.newbyteorder("=")))
torch_python = os.path.expanduser("~/.cache/mge4j-test-venv/torch/bin/python")
if os.path.exists(torch_python):
    code = ("import sys, torch, numpy as np\n"
            "d = torch.load(sys.argv[1], weights_only=True)\n"
            "z = np.load(sys.argv[2])\n"
            "assert set(d) == set(z.files), sorted(d)\n"
            "for k in d: assert np.array_equal(d[k].numpy(), z[k]) and d[k].numpy().dtype == z[k].dtype, k\n")
    subprocess.run([torch_python, "-c", code, path("sd.pt"), path("sd.npz")], check=True, timeout=120)
    print("cli_check: torch.load(weights_only=True) reads the .pt mge4j wrote")
print("cli_check: convert .pkl -> .pt -> .safetensors -> .npz keeps every value and dtype")

# 4. a checkpoint into a flat format: refused naming the keys, or flattened with --drop-non-tensors
err = mge4j("convert", path("ckpt.pkl"), path("ckpt.safetensors"), expect=1).stderr
assert "epoch (int)" in err and "loss (float)" in err and "--drop-non-tensors" in err, err
r = mge4j("convert", path("ckpt.pkl"), path("ckpt.safetensors"), "--drop-non-tensors")
assert "left out 4 values" in r.stderr, r.stderr
flat = read_safetensors(path("ckpt.safetensors"))
assert set(flat) == set(flatten(ckpt)), sorted(flat)
same("momentum", flat["optimizer_state_dict.state.0.momentum_buffer"], np.ones(4, "f4"))
print("cli_check: a checkpoint into .safetensors names its non-tensor keys, or flattens with --drop-non-tensors")

# 5. exit codes
mge4j("inspect", expect=2)
mge4j("convert", path("sd.pkl"), path("sd.txt"), expect=2)
mge4j("inspect", path("missing.pkl"), expect=1)
assert "inspect FILE" in mge4j("--help").stdout
print("cli_check: all checks passed")
