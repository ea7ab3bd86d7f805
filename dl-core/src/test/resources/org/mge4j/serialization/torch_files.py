"""Python side of TorchFilesTest: `write DIR` torch.saves a state dict of a small net (fc1 3->4, fc2 4->2) and a
checkpoint with views (transpose, storage offset), shared storages, float16, bfloat16, int64 and bool, plus a
manifest: name -> dtype, shape, sha256 of the C-order little-endian bytes (bfloat16 as float32)."""
import hashlib
import json
import sys
import warnings

import torch

warnings.simplefilter("error")


def describe(t):
    if t.dtype == torch.bfloat16:
        t = t.float()
    a = t.contiguous().numpy()
    return {"dtype": a.dtype.str[1:], "shape": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest()}


def read(d):
    """Loads Java's java.pt with weights_only=True and prints the manifest of every tensor, plus the plain values."""
    obj = torch.load(f"{d}/java.pt", weights_only=True)
    out = {}

    def walk(prefix, o):
        if isinstance(o, torch.Tensor):
            out[prefix] = describe(o)
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(o, (list, tuple)):
            for i, v in enumerate(o):
                walk(f"{prefix}.{i}", v)
        else:
            out[prefix] = repr(o)
    walk("", obj)
    out["__shared__"] = str(obj["tensors"]["base"].untyped_storage().data_ptr() == obj["again"].untyped_storage().data_ptr())
    print(json.dumps(out, sort_keys=True))


def main():
    d = sys.argv[2]
    if sys.argv[1] == "read":
        read(d)
        return
    torch.manual_seed(0)
    net = torch.nn.Sequential()
    net.add_module("fc1", torch.nn.Linear(3, 4))
    net.add_module("fc2", torch.nn.Linear(4, 2))
    torch.save(net.state_dict(), f"{d}/net.pt")
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    tensors = {
        "base": base,
        "transposed": base.t(),
        "offset_slice": base[1:3, 2:5],
        "row": base[3],
        "half": torch.randn(3, 2).half(),
        "bf16": torch.randn(5).bfloat16(),
        "steps": torch.tensor([1 << 40, -7], dtype=torch.int64),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5, dtype=torch.float64),
    }
    ckpt = {"epoch": 3, "loss": 0.125, "tensors": tensors, "model_state_dict": net.state_dict()}
    torch.save(ckpt, f"{d}/ckpt.pth")
    torch.load(f"{d}/ckpt.pth", weights_only=True)
    m = {k: describe(v) for k, v in tensors.items()}
    m.update({"model_state_dict." + k: describe(v) for k, v in net.state_dict().items()})
    with open(f"{d}/torch_manifest.json", "w") as f:
        json.dump(m, f, sort_keys=True)


if __name__ == "__main__":
    main()
