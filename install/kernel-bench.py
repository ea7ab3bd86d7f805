"""Benchmark (not a test): cold start to kernel_info_reply and round trip of trivial cells, via jupyter_client.

Usage: JUPYTER_PATH=<dir with kernels/...> /usr/bin/python3 install/kernel-bench.py [kernel_name[,name2...]] [cells]
For each kernel, one after the other in the same run: launch -> first kernel_info_reply (median of 5 launches) and
p50/p95 of send -> idle for `1 + 1` cells (after the kernel is ready, 5 s for background warm-up to finish and 20
warm-up cells).
"""
import statistics
import sys
import time

from jupyter_client.manager import KernelManager


def first_info_reply(name):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    sent = set()
    while True:
        sent.add(kc.kernel_info())
        try:
            reply = kc.get_shell_msg(timeout=0.5)
            if reply["parent_header"].get("msg_id") in sent:     # a slow kernel answers the first one first
                break
        except Exception:
            pass
    elapsed = time.perf_counter() - t0
    return km, kc, elapsed


def round_trips(kc, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        msg_id = kc.execute("1 + 1")
        while True:
            m = kc.get_iopub_msg(timeout=30)
            if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                    and m["content"]["execution_state"] == "idle"):
                break
        kc.get_shell_msg(timeout=30)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def bench(name, cells):
    starts = []
    for i in range(5):
        km, kc, elapsed = first_info_reply(name)
        starts.append(elapsed)
        if i < 4:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    kc.wait_for_ready(timeout=60)
    time.sleep(5)                             # background warm-up (JShell, ND4J) is not what is measured here
    round_trips(kc, 20)                       # warm-up
    t = sorted(round_trips(kc, cells))
    print(f"kernel {name}: launch -> kernel_info_reply median {statistics.median(starts):.3f} s "
          f"(min {min(starts):.3f}, max {max(starts):.3f})")
    print(f"trivial cell send -> idle over {cells} cells: p50 {t[len(t) // 2]:.1f} ms, "
          f"p95 {t[int(len(t) * 0.95)]:.1f} ms")
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def main():
    names = (sys.argv[1] if len(sys.argv) > 1 else "mge4j").split(",")
    cells = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    for name in names:
        bench(name, cells)


if __name__ == "__main__":
    main()
