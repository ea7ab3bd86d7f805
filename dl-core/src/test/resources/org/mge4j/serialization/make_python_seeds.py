"""Valid pickles written by Python + numpy 2, checked in as fuzz seeds (PickleFuzzTest) and read by
PythonFixturesTest. The interop test suite writes fresh ones at test time; these only pin the formats."""
import collections, os, pickle
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python")
sd = collections.OrderedDict()
sd["w"] = np.arange(6, dtype="f4").reshape(2, 3)
sd["wf"] = np.asfortranarray(np.arange(6, dtype="f8").reshape(2, 3))
sd["be"] = np.arange(3, dtype=">i4")
sd["h"] = np.array([0.5, -2], dtype="f2")
sd["b"] = np.array([True, False])
sd["s"] = np.float32(1.5)
sd["i"] = np.int64(-3)
opt = {"param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1]}],
       "state": {0: {"step": np.array(3.0, dtype="f4")}, 1: {}}}
for p in (2, 3, 4, 5):
    with open(os.path.join(out, f"state_dict_p{p}.pkl"), "wb") as f:
        pickle.dump(sd, f, protocol=p)
    with open(os.path.join(out, f"optimizer_p{p}.pkl"), "wb") as f:
        pickle.dump(opt, f, protocol=p)

# megengine_tensors_p{2,4}.pkl were written with megengine_stub_tensor.py installed as megengine/tensor.py (it
# pickles exactly as MegEngine's Tensor: __getnewargs__ 7-tuple + empty-dict BUILD):
#   p = Parameter([[1.5, 2.0]], "float32", "xpux:0", "fc.weight")
#   {"param": p, "same": p, "tensor": Tensor([1, 2, 3], "int32", "cpu0:0"), "gpu": Tensor([4], "int8", "gpu0:0")}
