"""Reads a whole-model pickle written by Mge.save(model, path) with Python's own pickle and numpy.

The Java classes are not importable in Python, so find_class gives each one a stub class (as pickle needs the
class of a whole model to load it); BUILD fills the stub's __dict__. Prints JSON: the globals in the order the
stream names them, and the tree flattened to dotted keys ("__class__" per object; arrays as shape + values).
"""
import io
import json
import pickle
import pickletools
import sys

import numpy as np

path = sys.argv[1]
data = open(path, "rb").read()
pickletools.dis(data, out=io.StringIO())  # a well-formed stream: memo, marks and stack check out


class Saved:
    def __setstate__(self, state):
        self.__dict__.update(state)


globals_seen = []


class Reader(pickle.Unpickler):
    def find_class(self, module, name):
        globals_seen.append(module + " " + name)
        if module.startswith("numpy") or module == "collections":
            return super().find_class(module, name)
        return type(name, (Saved,), {"__module__": module})


model = Reader(io.BytesIO(data)).load()
tree = {}


def walk(obj, prefix):
    tree[prefix + "__class__"] = type(obj).__module__ + "." + type(obj).__name__
    for key, value in obj.__dict__.items():
        if isinstance(value, np.ndarray):
            tree[prefix + key] = {"shape": list(value.shape), "values": value.astype("f8").ravel().tolist()}
        elif isinstance(value, Saved):
            walk(value, prefix + key + ".")
        else:
            tree[prefix + key] = value


walk(model, "")
print(json.dumps({"globals": globals_seen, "tree": tree}))
