"""Writes the files notebooks/05-interop.ipynb reads, with real numpy, PyTorch and safetensors, and expected.json with
what the notebook must find in them. Run: python3 -m venv v && v/bin/pip install torch safetensors numpy &&
v/bin/python notebooks/data/make_fixtures.py"""
import json
import pathlib

import numpy as np
import safetensors.numpy
import torch

here = pathlib.Path(__file__).parent
rng = np.random.default_rng(7)
expected = {}

image = rng.random((2, 3), dtype=np.float32)
np.save(here / "tensor.npy", image)
expected["tensor.npy"] = {"shape": list(image.shape), "dtype": "float32", "values": image.ravel().tolist()}

weights = {"conv.weight": rng.standard_normal((4, 1, 3, 3)).astype(np.float32),
           "conv.bias": rng.standard_normal(4).astype(np.float32),
           "steps": np.array(1200, dtype=np.int64)}
np.savez(here / "numpy_weights.npz", **weights)
expected["numpy_weights.npz"] = {k: {"shape": list(v.shape), "sum": float(v.sum())} for k, v in weights.items()}

torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
torch.save(net.state_dict(), here / "torch_state_dict.pt")
x = torch.randn(5, 4)
with torch.no_grad():
    y = net(x)
np.savez(here / "torch_io.npz", x=x.numpy(), y=y.numpy())
expected["torch_state_dict.pt"] = {k: {"shape": list(v.shape), "sum": float(v.sum())} for k, v in net.state_dict().items()}

tensors = {"embedding": rng.standard_normal((6, 2)).astype(np.float32), "scale": np.float32([0.5, 2.0])}
safetensors.numpy.save_file(tensors, str(here / "model.safetensors"), metadata={"written_by": "safetensors"})
expected["model.safetensors"] = {k: {"shape": list(v.shape), "sum": float(v.sum())} for k, v in tensors.items()}

(here / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
print("wrote", sorted(p.name for p in here.iterdir()))
