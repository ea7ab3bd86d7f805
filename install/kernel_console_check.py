"""What a notebook server's console shows when the mge4j kernel starts: one line, which Java and which backend.

    python3 install/kernel_console_check.py KERNEL_NAME JAVA_VERSION

Starts the installed kernelspec KERNEL_NAME as Jupyter does, with the kernel process's stdout and stderr captured
(that is the server's console), runs a plain cell and a tensor cell (ND4J and its natives loaded: JavaCPP's warnings
would come now), shuts the kernel down and fails unless the capture is exactly
    mge4j kernel: Java JAVA_VERSION (<vendor>), ND4J nd4j-native (CPU...)
preceded, only when the kernelspec adds the vector API module ('install --vector'; not the default), by the
JVM's own "WARNING: Using incubator modules: jdk.incubator.vector", which no JVM option silences, and followed then
by the note that says so. Every other JVM warning, logging line or stack trace printed at start is a failure
(issue 13, point 5).
"""
import re
import subprocess
import sys
import tempfile

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

VECTOR_MODULE = "--add-modules=jdk.incubator.vector"


def run_cell(kc, code):
    outputs = []
    reply = kc.execute_interactive(code, timeout=120, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", f"{code!r}: {reply['content']} {outputs}"
    return outputs


def main():
    kernel, java_version = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryFile() as console:
        km = KernelManager(kernel_name=kernel)
        km.start_kernel(stdout=console, stderr=subprocess.STDOUT)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            run_cell(kc, "1 + 1")
            shown = run_cell(kc, "Tensor.ones(2, 2).add(1).sum().item()")
            results = [m["content"]["data"]["text/plain"] for m in shown if m["msg_type"] == "execute_result"]
            assert results == ["8.0"], shown
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        console.seek(0)
        text = console.read().decode("utf-8", "replace")
    lines = text.splitlines()
    banner = r"mge4j kernel: Java " + re.escape(java_version) + r" \([^)]+\), ND4J nd4j-native \(CPU[^)]*\)"
    want = [re.compile(banner)]
    if VECTOR_MODULE in KernelSpecManager().get_kernel_spec(kernel).argv:
        want = [re.compile(re.escape("WARNING: Using incubator modules: jdk.incubator.vector")),
                re.compile(banner + re.escape(", vector API for dumped graphs (install --vector; the JVM's warning above"
                                              " is about it)"))]
    assert len(lines) == len(want) and all(w.fullmatch(line) for w, line in zip(want, lines)), (
        f"the kernel's console at start should be {len(want)} line(s) matching {[w.pattern for w in want]},"
        f" got {len(lines)}:\n{text}")
    print(f"console at kernel start ({kernel}):" + "".join("\n    " + line for line in lines))


if __name__ == "__main__":
    main()
