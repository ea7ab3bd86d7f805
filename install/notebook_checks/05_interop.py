"""Checks of notebooks/05-interop.ipynb against notebooks/data/expected.json (written with the fixtures by numpy,
PyTorch and safetensors in notebooks/data/make_fixtures.py)."""
import json
import pathlib
import re

from outputs import cell, text

EXPECTED = json.loads((pathlib.Path(__file__).parents[2] / "notebooks" / "data" / "expected.json").read_text())
ROW = re.compile(r"^(\S+)\s+(\([\d, ]*\))\s+(\S+)\s+sum (-?[0-9.]+)$", re.M)


def close(a, b):
    return abs(a - b) <= 1e-4 * (1 + abs(b))


def shape(s):
    return [int(d) for d in s.strip("()").split(",") if d.strip()]


def rows(out):
    return {m.group(1): (shape(m.group(2)), m.group(3), float(m.group(4))) for m in ROW.finditer(out)}


def check_file(out, name):
    got = rows(out)
    want = EXPECTED[name]
    assert set(got) == set(want), f"{name}: keys {sorted(got)} != {sorted(want)}"
    for k, w in want.items():
        assert got[k][0] == w["shape"], f"{name} {k}: shape {got[k][0]} != {w['shape']}"
        assert close(got[k][2], w["sum"]), f"{name} {k}: sum {got[k][2]} != {w['sum']}"


def check(nb):
    npy = text(cell(nb, "npy"))
    want = EXPECTED["tensor.npy"]
    values = [float(v) for v in re.search(r"\[(.*)\]", npy).group(1).split(",")]
    assert npy.startswith("(2, 3) float32") and all(close(a, b) for a, b in zip(values, want["values"])), npy

    check_file(text(cell(nb, "npz")), "numpy_weights.npz")
    assert rows(text(cell(nb, "npz")))["steps"][1] == "int64", "numpy's int64 stays int64"
    torch = text(cell(nb, "torch"))
    check_file(torch, "torch_state_dict.pt")
    diff = float(re.search(r"max \|Java - PyTorch\| on 5 inputs: (\S+)", torch).group(1))
    assert diff <= 1e-5, torch
    check_file(text(cell(nb, "safetensors")), "model.safetensors")

    write = text(cell(nb, "write"))
    java = {k: v[2] for k, v in rows(write).items()}
    assert set(java) == {"0.weight", "0.bias", "2.weight", "2.bias"}, write
    assert "from_java.pt" in write and "converted_from_torch.safetensors" in write, write
    reads = text(cell(nb, "python-reads"))
    if "no python3 here" in reads:
        return
    assert "python exit code 0" in reads, reads
    for fmt in ("pkl", "npz"):
        line = re.search(rf"^{fmt} (.*)$", reads, re.M).group(1)
        seen = {k: float(v) for k, v in re.findall(r"(\S+?):\([\d, ]*\):(-?[0-9.]+)", line)}
        assert seen.keys() == java.keys() and all(close(seen[k], java[k]) for k in java), f"{fmt}: {line} vs {java}"
