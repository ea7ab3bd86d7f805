"""Interop for the flat tensor formats: numpy .npy/.npz and safetensors.

write DIR: writes py.npy (one per dtype), py.npz (np.savez), py_z.npz (np.savez_compressed) and py.safetensors
           (safetensors.numpy.save_file with metadata), plus py_manifest.json: name -> dtype, shape, sha256 of
           the little-endian C-order bytes.
read DIR:  loads Java's files (java_*.npy, java.npz, java.safetensors) with numpy/safetensors and prints the same
           manifest for each, with warnings as errors.
"""
import hashlib
import json
import sys
import warnings

import numpy as np
from safetensors.numpy import load_file, save_file

warnings.simplefilter("error")


def arrays():
    rng = np.random.default_rng(7)
    return {
        "f32": rng.standard_normal((3, 4)).astype("<f4"),
        "f64": rng.standard_normal((2, 2, 2)).astype("<f8"),
        "f16": rng.standard_normal((5,)).astype("<f2"),
        "i32": np.arange(-6, 6, dtype="<i4").reshape(3, 4),
        "i64": (np.arange(7, dtype="<i8") * 10**12),
        "i8": np.array([-128, 0, 127], dtype="i1"),
        "u8": np.arange(250, 256, dtype="u1").reshape(2, 3),
        "b": np.array([[True, False], [False, True]]),
        "scalar": np.array(2.5, dtype="<f4"),
        "empty": np.zeros((0, 3), dtype="<f4"),
    }


def describe(a):
    shape = list(a.shape)  # taken first: numpy 1.x ascontiguousarray makes 0-d arrays 1-d
    a = np.ascontiguousarray(a)
    le = a.astype(a.dtype.newbyteorder("<")) if a.dtype.itemsize > 1 else a
    return {"dtype": a.dtype.str[1:], "shape": shape, "sha256": hashlib.sha256(le.tobytes()).hexdigest()}


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "write":
        a = arrays()
        for k, v in a.items():
            np.save(f"{d}/py_{k}.npy", v)
        np.save(f"{d}/py_fortran.npy", np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4)))
        np.save(f"{d}/py_bigendian.npy", np.arange(5, dtype=">i4"))
        np.savez(f"{d}/py.npz", **a)
        np.savez_compressed(f"{d}/py_z.npz", **a)
        save_file({k: v for k, v in a.items()}, f"{d}/py.safetensors", metadata={"format": "np", "epoch": "3"})
        save_file({k: v for k, v in a.items()}, f"{d}/py_one.safetensors", metadata={"format": "np"})
        m = {k: describe(v) for k, v in a.items()}
        m["fortran"] = describe(np.arange(12, dtype="<f4").reshape(3, 4))
        m["bigendian"] = describe(np.arange(5, dtype="<i4"))
        with open(f"{d}/py_manifest.json", "w") as f:
            json.dump(m, f, indent=1, sort_keys=True)
    else:
        import glob, os
        out = {}
        for f in sorted(glob.glob(f"{d}/java_*.npy")):
            out[os.path.basename(f)] = describe(np.load(f, allow_pickle=False))
        with np.load(f"{d}/java.npz", allow_pickle=False) as z:
            out["java.npz"] = {k: describe(z[k]) for k in z.files}
        out["java.safetensors"] = {k: describe(v) for k, v in load_file(f"{d}/java.safetensors").items()}
        from safetensors import safe_open
        with safe_open(f"{d}/java.safetensors", framework="np") as f:
            out["java.safetensors.metadata"] = f.metadata()
        print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
