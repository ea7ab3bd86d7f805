"""Python side of org.mge4j.bench.SaveLoadBench: pickle.dump / pickle.load of the same 256 MB state dict.

    python saveload_bench.py DIR ROUNDS JAVA_FILE

The arrays are the 64 float32 arrays of 4 MB of JAVA_FILE, the state dict Java saved (an OrderedDict name ->
ndarray), dumped at protocol 4 as megengine.save does. Each round: dump + flush + fsync to a fresh file, dump without fsync, load; then pickle.load of the file
Java wrote (its checksum trailer is skipped by pickle). Prints one JSON object of millisecond lists.
"""
import json
import os
import pickle
import sys
import time

import numpy as np


def main():
    d, rounds, java_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(java_file, "rb") as f:
        sd = pickle.load(f)
    path = os.path.join(d, "python.pkl")
    out = {"dump_fsync": [], "dump": [], "load": [], "load_java": [],
           "python": sys.version.split()[0], "numpy": np.__version__}
    for _ in range(rounds):
        for key, sync in (("dump_fsync", True), ("dump", False)):
            if os.path.exists(path):
                os.remove(path)
            t = time.perf_counter()
            with open(path, "wb") as f:
                pickle.dump(sd, f, protocol=4)
                if sync:
                    f.flush()
                    os.fsync(f.fileno())
            out[key].append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        with open(path, "rb") as f:
            back = pickle.load(f)
        out["load"].append((time.perf_counter() - t) * 1e3)
        assert back.keys() == sd.keys()
        del back
        t = time.perf_counter()
        with open(java_file, "rb") as f:
            java = pickle.load(f)
        out["load_java"].append((time.perf_counter() - t) * 1e3)
        assert len(java) == 64
        del java
    os.remove(path)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
