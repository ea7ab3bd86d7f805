"""The tutorial ConvNet in PyTorch (Python), measured exactly like bench's Java engines.

Prints, for org.mge4j.bench.Harness: INFO key=value, SAMPLES train|infer64|infer1 ms,..., or in check mode
LOSSES l,l,... from the weights and batch files the harness wrote (little-endian float32; labels int32).

    python convnet_bench.py --threads 2 --train 50,200,6 --infer64 30,200,3 --infer1 100,500,2
    python convnet_bench.py --threads 1 --check DIR --steps 10
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = [("conv1.weight", (10, 1, 5, 5)), ("conv1.bias", (10,)), ("conv2.weight", (20, 10, 5, 5)),
          ("conv2.bias", (20,)), ("fc1.weight", (50, 320)), ("fc1.bias", (50,)), ("fc2.weight", (10, 50)),
          ("fc2.bias", (10,))]


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.relu(self.fc2(x))


def phase(name, spec, call):
    warmup, target, max_s = spec.split(",")
    warmup, target, max_ns = int(warmup), int(target), float(max_s) * 1e9
    for _ in range(warmup):
        call()
    ms, cpu = [], []
    start = time.perf_counter_ns()
    while len(ms) < target and (time.perf_counter_ns() - start < max_ns or len(ms) < min(target, 10)):
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        call()
        t1 = time.perf_counter_ns()
        cpu.append((time.thread_time_ns() - c0) / 1e6)
        ms.append((t1 - t0) / 1e6)
    print("SAMPLES %s %s" % (name, ",".join("%.4f" % v for v in ms)))
    # CPU time of this thread: with 1 compute thread all work runs here, so it is immune to descheduling
    print("CPU %s %s" % (name, ",".join("%.4f" % v for v in cpu)), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train", default="50,200,6")
    ap.add_argument("--infer64", default="30,200,3")
    ap.add_argument("--infer1", default="100,500,2")
    ap.add_argument("--check")
    ap.add_argument("--steps", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    model = ConvNet()
    if a.check:
        raw = np.fromfile(os.path.join(a.check, "weights.bin"), dtype="<f4")
        state, off = {}, 0
        for name, shape in SHAPES:
            n = int(np.prod(shape))
            state[name] = torch.from_numpy(raw[off:off + n].reshape(shape).copy())
            off += n
        model.load_state_dict(state)
        b = np.fromfile(os.path.join(a.check, "batch.bin"), dtype=np.uint8)
        x = torch.from_numpy(b[:64 * 784 * 4].view("<f4").reshape(64, 1, 28, 28).copy())
        y = torch.from_numpy(b[64 * 784 * 4:].view("<i4").astype(np.int64))
    else:
        torch.manual_seed(7)
        x = torch.randn(64, 1, 28, 28)
        y = torch.randint(0, 10, (64,))
    x1 = x[:1].clone()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    print("INFO engine=PyTorch %s (Python %s)" % (torch.__version__, ".".join(map(str, os.sys.version_info[:3]))))
    print("INFO threads=%d" % torch.get_num_threads())
    print("INFO init=PyTorch defaults (Kaiming-uniform a=sqrt(5) weights, uniform biases)")
    print("INFO optimizer=torch.optim.SGD(lr=0.01, momentum=0.9), zero_grad each step")
    if a.check:
        print("LOSSES " + ",".join("%.6f" % train_step() for _ in range(a.steps)), flush=True)
        return
    phase("train", a.train, train_step)
    model.eval()
    with torch.no_grad():
        phase("infer64", a.infer64, lambda: model(x)[0, 0].item())
        phase("infer1", a.infer1, lambda: model(x1)[0, 0].item())


if __name__ == "__main__":
    main()
