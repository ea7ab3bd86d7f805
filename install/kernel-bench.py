#!/usr/bin/python3
"""Benchmark (not a test): start-up, cell round trip and memory of Jupyter kernels, measured with jupyter_client.

Usage:
  JUPYTER_PATH=<dir with kernels/...> /usr/bin/python3 install/kernel-bench.py [options] KERNEL [KERNEL...]
  (install/kernel-bench.sh installs mge4j for JDK 17 and JDK 25 and ipykernel into a temporary prefix and runs it)

For each kernelspec named, in the same run (interleaved: launches alternate between the kernels, then all kernels
stay up and each step runs one cell on each in turn, so the load of a shared machine hits them alike; --sequential
measures one kernel after the other):
  1. launch -> first kernel_info_reply: median (min, max) of --launches launches;
  2. `1 + 1` round trip, send execute_request -> both `status: idle` and execute_reply, p50 / p95 over the
     --trivial trivial cells below (after the warm-up);
  3. RSS of the kernel process (VmRSS from /proc/<pid>/status) after start + warm-up, after --trivial cells
     `1 + 1`, and after --decls more cells that each declare a new variable (`int v123 = 123;` in Java,
     `v123 = 123` in Python); the p50 of the first 100 and of the last 100 of all those cells.
Warm-up: wait for the kernel to run a cell, --settle seconds for background work (mge4j warms JShell and ND4J on
background threads), then --warmup cells `1 + 1`.

The peer (--peer, default: the first kernel whose kernelspec language is python) is the reference of the ratio
columns. Nothing here fails: a kernel that does not start or whose cells fail is reported as such, and the exit
code is 0 unless the command line is wrong. --markdown FILE writes the table, the command, the machine and the
runtimes (java -version of each kernelspec's java) to FILE.
"""
import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

TARGET_CELL_P50_MS = 12.0
TARGET_RSS_MIB = 500.0
TARGET_GROWTH = 1.2


class KernelFailed(Exception):
    pass


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def kernel_pid(km):
    prov = getattr(km, "provisioner", None)
    proc = getattr(prov, "process", None) if prov is not None else None
    if proc is not None and getattr(proc, "pid", None):
        return proc.pid
    k = getattr(km, "kernel", None)
    return getattr(k, "pid", None)


def start(name, timeout):
    """Starts a kernel; returns (km, kc, seconds from start_kernel to the first kernel_info_reply)."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    sent = set()
    while True:
        if time.perf_counter() - t0 > timeout:
            stop(km, kc)
            raise KernelFailed(f"no kernel_info_reply within {timeout:.0f} s")
        if not km.is_alive():
            stop(km, kc)
            raise KernelFailed("the kernel process ended during start-up")
        sent.add(kc.kernel_info())
        try:
            reply = kc.get_shell_msg(timeout=0.5)
        except Exception:
            continue
        if reply["parent_header"].get("msg_id") in sent:     # a slow kernel answers the first request first
            return km, kc, time.perf_counter() - t0


def ensure_iopub(kc, timeout=30.0):
    """Not timed: waits until IOPub delivers (its subscription may connect after the shell socket; messages published
    before that are lost, e.g. the idle of the first cell), by sending kernel_info until its busy/idle arrives."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        msg_id = kc.kernel_info()
        end = time.perf_counter() + 0.5
        seen = False
        while time.perf_counter() < end:
            try:
                m = kc.get_iopub_msg(timeout=max(0.01, end - time.perf_counter()))
            except Exception:
                break
            if m["parent_header"].get("msg_id") == msg_id:
                seen = True
        while True:                                  # the kernel_info replies
            try:
                kc.get_shell_msg(timeout=0.05)
            except Exception:
                break
        if seen:
            return
    raise KernelFailed(f"IOPub delivered nothing within {timeout:.0f} s")


def stop(km, kc):
    try:
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


def run_cell(kc, code, timeout=60.0):
    """One cell: ms from sending execute_request to having both idle and the reply; and the reply content."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code, store_history=True)
    idle = reply = None
    while idle is None or reply is None:
        left = timeout - (time.perf_counter() - t0)
        if left <= 0:
            raise KernelFailed(f"no idle/reply within {timeout:.0f} s for {code!r}")
        if idle is None:
            m = kc.get_iopub_msg(timeout=left)
            if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                    and m["content"]["execution_state"] == "idle"):
                idle = m
        else:
            m = kc.get_shell_msg(timeout=left)
            if m["parent_header"].get("msg_id") == msg_id:
                reply = m
    return (time.perf_counter() - t0) * 1000.0, reply["content"]


def run_checked(kc, code):
    ms, content = run_cell(kc, code)
    if content.get("status") != "ok":
        raise KernelFailed(f"cell {code!r} failed: {content.get('ename')}: {content.get('evalue')}")
    return ms


class Run:
    """One kernel under test: its results so far, and its kernel while one is up."""

    def __init__(self, name, language):
        self.name, self.language = name, language
        self.r = {"name": name}
        self.km = self.kc = self.pid = None
        self.starts, self.trivial, self.decls = [], [], []

    @property
    def alive(self):
        return "failed" not in self.r

    def step(self, phase, fn):
        """Runs fn() for this kernel unless it already failed; a failure is recorded, not raised."""
        if not self.alive:
            return
        self.r["phase"] = phase
        try:
            fn()
        except (KernelFailed, RuntimeError, OSError) as e:
            self.fail(f"{e} ({phase})")
        except Exception as e:                        # queue.Empty (a timeout) and friends from jupyter_client
            self.fail(f"{type(e).__name__} {e} ({phase})")

    def fail(self, why):
        self.r["failed"] = why
        self.shutdown()

    def launch(self, args, keep):
        km, kc, elapsed = start(self.name, args.start_timeout)
        self.starts.append(elapsed)
        if keep:
            self.km, self.kc, self.pid = km, kc, kernel_pid(km)
        else:
            stop(km, kc)

    def ready(self):
        ensure_iopub(self.kc)
        t0 = time.perf_counter()
        run_checked(self.kc, "1 + 1")                 # blocks until the kernel can run cells at all
        self.r["first_cell_s"] = time.perf_counter() - t0

    def decl(self, i):
        return f"int v{i} = {i};" if self.language == "java" else f"v{i} = {i}"

    def shutdown(self):
        if self.km is not None:
            try:
                stop(self.km, self.kc)
            except Exception:
                pass
            self.km = self.kc = None

    def finish(self, args):
        r = self.r
        r.pop("phase", None)
        if self.starts:
            r["info_s"] = statistics.median(self.starts)
            r["info_min"], r["info_max"] = min(self.starts), max(self.starts)
        if not self.alive:
            return r
        r["p50"], r["p95"] = pct(self.trivial, 0.5), pct(self.trivial, 0.95)
        cells = self.trivial + self.decls
        r["first100"], r["last100"] = pct(cells[:100], 0.5), pct(cells[-100:], 0.5)
        r["decl_first100"], r["decl_last100"] = pct(self.decls[:100], 0.5), pct(self.decls[-100:], 0.5)
        r["cells"] = len(cells)
        r["times"] = cells
        if args.live and self.language == "java":
            r["live_mib"] = live_heap_mib(self.km, self.pid)
        return r


def bench(runs, args):
    """Measures every run. Interleaved (default): the launches alternate between kernels, then all kernels stay up
    and each step runs one cell on each in turn, so a busy machine slows all of them alike; --sequential measures
    one kernel after the other."""
    groups = [[r] for r in runs] if args.sequential else [runs]
    for group in groups:
        load0 = os.getloadavg()[0]
        for i in range(args.launches):
            for u in group:
                u.step(f"launch {i + 1}", lambda: u.launch(args, keep=i == args.launches - 1))
        for u in group:
            u.step("first cell", u.ready)
        time.sleep(args.settle)
        for i in range(args.warmup):
            for u in group:
                u.step(f"warm-up cell {i}", lambda: run_checked(u.kc, "1 + 1"))
        for u in group:
            u.step("RSS", lambda: u.r.__setitem__("rss_start", rss_mib(u.pid)))
        for i in range(args.trivial):
            for u in group:
                u.step(f"trivial cell {i}", lambda: u.trivial.append(run_checked(u.kc, "1 + 1")))
        for u in group:
            u.step("RSS", lambda: u.r.__setitem__("rss_trivial", rss_mib(u.pid)))
        for i in range(args.decls):
            for u in group:
                u.step(f"declaring cell {i}", lambda: u.decls.append(run_checked(u.kc, u.decl(i))))
        for u in group:
            u.step("RSS", lambda: u.r.__setitem__("rss_decls", rss_mib(u.pid)))
        for u in group:
            u.finish(args)
            u.shutdown()
            u.r["load"] = f"{load0:.1f} / {os.getloadavg()[0]:.1f}"
            print(f"[bench] {u.name}: {json.dumps({k: v for k, v in u.r.items() if k not in ('name', 'times')}, default=str)}",
                  file=sys.stderr, flush=True)
    return [u.r for u in runs]


def java_of(spec):
    exe = spec.argv[0] if spec.argv else ""
    return exe if os.path.basename(exe).startswith("java") else None


def live_heap_mib(km, pid):
    """Live heap after a full GC (jcmd GC.class_histogram, total of live objects; any collector), to tell live data
    from uncollected garbage."""
    java = java_of(km.kernel_spec)
    jcmd = os.path.join(os.path.dirname(java), "jcmd") if java else "jcmd"
    try:
        out = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True,
                             timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in reversed(out.splitlines()):
        words = line.split()
        if words and words[0] == "Total" and len(words) >= 3:
            return int(words[2]) / 1024.0 / 1024.0
    return None


def java_version(java):
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
        return " / ".join(l.strip() for l in out.splitlines()[:2])
    except OSError as e:
        return f"cannot run {java}: {e}"


def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
    except OSError:
        mem = float("nan")
    distro = ""
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{distro}, Linux {platform.release()}, {cpu}, {os.cpu_count()} CPUs, {mem:.0f} GiB RAM"


def fmt_ratio(v, peer):
    if v is None or peer is None or not peer:
        return ""
    return f" ({v / peer:.2f}x)"


def table(results, peer, specs):
    cols = [r["name"] for r in results]
    ref = next((r for r in results if r["name"] == peer and "failed" not in r), None)

    def get(r, k):
        return None if "failed" in r else r.get(k)

    rows = []

    def row(label, key, unit, fmt, target=None, check=None):
        cells = []
        for r in results:
            v = get(r, key)
            if v is None:
                cells.append("failed" if "failed" in r else "n/a")
                continue
            s = fmt.format(v) + unit
            if ref is not None and r is not ref and isinstance(v, float) and isinstance(ref.get(key), float):
                s += fmt_ratio(v, ref.get(key))
            if check is not None and r is not ref:
                s += " ✓" if check(v, r) else " ✗"
            cells.append(s)
        rows.append([label] + cells + [target or ""])

    peer_info = ref.get("info_s") if ref else None
    row("launch -> first kernel_info_reply, median", "info_s", " s", "{:.3f}",
        f"<= {peer}'s" if ref else "<= the peer's",
        (lambda v, r: v <= peer_info) if peer_info else None)
    row("  min / max", "info_range", "", "{}")
    row("first cell `1 + 1` (waits until the kernel runs cells)", "first_cell_s", " s", "{:.2f}")
    row("`1 + 1` round trip p50", "p50", " ms", "{:.1f}", f"<= {TARGET_CELL_P50_MS:g} ms",
        lambda v, r: v <= TARGET_CELL_P50_MS)
    row("`1 + 1` round trip p95", "p95", " ms", "{:.1f}")
    row("RSS after start + warm-up", "rss_start", " MiB", "{:.0f}")
    row("RSS after the trivial cells", "rss_trivial", " MiB", "{:.0f}")
    row("RSS after the declaring cells", "rss_decls", " MiB", "{:.0f}", f"<= {TARGET_RSS_MIB:g} MiB",
        lambda v, r: v <= TARGET_RSS_MIB)
    row("p50 of the first 100 cells", "first100", " ms", "{:.1f}")
    row("p50 of the last 100 cells", "last100", " ms", "{:.1f}")
    row("growth: last-100 p50 / first-100 p50", "growth", "", "{:.2f}", f"<= {TARGET_GROWTH:g}",
        lambda v, r: v <= TARGET_GROWTH)
    row("declaring cells: p50 of first 100 / last 100", "decl_range", "", "{}")
    if any(r.get("live_mib") is not None for r in results):
        row("live heap after a full GC, at the end", "live_mib", " MiB", "{:.0f}")
    row("load average (1 min) at start / end of this kernel's run", "load", "", "{}")
    header = ["measure"] + cols + ["target"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    for r in results:
        if "failed" in r:
            lines.append(f"\n{r['name']} failed: {r['failed']}")
    return "\n".join(lines)


def derive(r):
    if "failed" in r:
        return
    r["info_range"] = f"{r['info_min']:.3f} / {r['info_max']:.3f} s"
    r["growth"] = r["last100"] / r["first100"] if r["first100"] else None
    r["decl_range"] = f"{r['decl_first100']:.1f} / {r['decl_last100']:.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kernels", nargs="+", help="kernelspec names (a,b,c also works)")
    ap.add_argument("--peer", help="the reference kernel for the ratios (default: the first Python one)")
    ap.add_argument("--launches", type=int, default=5)
    ap.add_argument("--settle", type=float, default=5.0, help="seconds after the first cell, before the warm-up")
    ap.add_argument("--warmup", type=int, default=100, help="`1 + 1` cells before the measured ones (JIT warm-up)")
    ap.add_argument("--trivial", type=int, default=1000)
    ap.add_argument("--decls", type=int, default=1000)
    ap.add_argument("--start-timeout", type=float, default=60.0)
    ap.add_argument("--sequential", action="store_true",
                    help="one kernel after the other (default: all up at once, cells interleaved)")
    ap.add_argument("--live", action="store_true", help="also the live heap after a full GC (jcmd), Java only")
    ap.add_argument("--times", metavar="FILE", help="write every cell's round trip (ms) per kernel as JSON")
    ap.add_argument("--markdown", metavar="FILE", help="write the table and how it was made to FILE")
    ap.add_argument("--note", action="append", default=[], help="a line to add under the table (repeatable)")
    args = ap.parse_args()
    names = [n for k in args.kernels for n in k.split(",") if n]
    ksm = KernelSpecManager()
    specs = {}
    for n in names:
        try:
            specs[n] = ksm.get_kernel_spec(n)
        except Exception as e:
            ap.error(f"no kernelspec {n}: {e}")
    peer = args.peer or next((n for n in names if specs[n].language.lower().startswith("python")), None)

    # kernels write history under these: keep the user's own history out of it
    scratch = tempfile.mkdtemp(prefix="kernel-bench-")
    os.environ["JUPYTER_DATA_DIR"] = os.path.join(scratch, "data")
    os.environ["IPYTHONDIR"] = os.path.join(scratch, "ipython")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = os.getloadavg()
    runs = [Run(n, specs[n].language.lower()) for n in names]
    try:
        results = bench(runs, args)
    finally:
        for u in runs:
            u.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)
    for r in results:
        derive(r)
    load_after = os.getloadavg()
    if args.times:
        with open(args.times, "w") as f:
            json.dump({r["name"]: r.get("times") for r in results}, f)
    t = table(results, peer, specs)
    print(t)
    if args.markdown:
        write_markdown(args, t, names, specs, peer, started, load_before, load_after)


def write_markdown(args, table_text, names, specs, peer, started, load_before, load_after):
    lines = ["# Kernel benchmark", "",
             f"Made by `install/kernel-bench.py` ({started}); ratios are against `{peer}` measured in the same run;"
             " ✓ / ✗ mark the targets of issue 13 (point 4). A benchmark, not a test: nothing fails on a ✗.", "",
             table_text, ""]
    lines += [f"- {n}" for n in args.note]
    if args.note:
        lines.append("")
    command = os.environ.get("KERNEL_BENCH_COMMAND") or "JUPYTER_PATH=" + os.environ.get("JUPYTER_PATH", "") + " " \
        + " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv)
    lines += ["## How it was made", "", "```bash", command, "```", "",
              f"- Machine: {machine()}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after.",
              f"- Python {platform.python_version()}, jupyter_client {__import__('jupyter_client').__version__}.",
              f"- Cells: {args.warmup} warm-up `1 + 1` after {args.settle:g} s of settling, then {args.trivial}"
              f" `1 + 1`, then {args.decls} declaring a variable each. A cell is timed from sending"
              " execute_request to having both the idle status and the reply. "
              + ("One kernel after the other." if args.sequential else
                 "Interleaved: launches alternate between the kernels, then all kernels are up and each step runs"
                 " one cell on each in turn, so load from other work on the machine hits them alike.")]
    for n in names:
        s = specs[n]
        java = java_of(s)
        rt = java_version(java) if java else f"{s.language}: " + " ".join(s.argv[:3])
        lines.append(f"- `{n}`: {rt}; argv `{' '.join(s.argv)}`")
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"[bench] wrote {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    main()
