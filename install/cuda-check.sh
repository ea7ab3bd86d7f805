#!/usr/bin/env bash
# Checks the CUDA build on a machine without a GPU (install/test.sh runs it; install/gpu-check.sh is for a GPU):
#   - mvn -Pcuda -DskipTests package resolves nd4j-cuda-11.6 1.0.0-M2.1 and its linux-x86_64 natives (~620 MB
#     the first time) and builds dl-core and the kernel into target-cuda/, next to the CPU build in target/,
#   - the CUDA kernel jar names the CUDA natives and no CPU natives,
#   - started where there is no NVIDIA driver, or a broken one, the kernel exits 3 with one line that names the
#     backend, what is missing and the CPU kernelspec: no JVM crash, no stack trace,
#   - install --backend cuda registers "Java (mge4j, CUDA)" as mge4j-cuda, and neither jar registers the other
#     backend's kernelspec.
# Usage: install/cuda-check.sh        (MGE4J_SKIP_CUDA_CHECK=1 install/test.sh skips it, e.g. offline)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
pass() { echo "  ok: $*"; passed=$((passed + 1)); }
fail() { echo "cuda-check FAILED: $*" >&2; exit 1; }

natives="$HOME/.m2/repository/org/nd4j/nd4j-cuda-11.6/1.0.0-M2.1/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar"
had_natives=false
[[ -f "$natives" ]] && had_natives=true
echo "== mvn -Pcuda -DskipTests package -pl kernel -am"
t0=$(date +%s)
rm -rf kernel/target-cuda/lib
mvn -B -q -ntp -Pcuda -DskipTests package -pl kernel -am
t1=$(date +%s)
$had_natives && note="natives already in ~/.m2" || note="downloaded the natives, $(du -m "$natives" | cut -f1) MB"
pass "the cuda profile resolves and builds in $((t1 - t0)) s ($note)"

cuda_jar=$(ls kernel/target-cuda/kernel-*-all.jar | head -1)
cpu_jar=$(ls kernel/target/kernel-*-all.jar 2>/dev/null | head -1 || true)
if [[ -z "$cpu_jar" ]]; then
    mvn -B -q -ntp -DskipTests package -pl kernel -am
    cpu_jar=$(ls kernel/target/kernel-*-all.jar | head -1)
fi
classpath=$(unzip -p "$cuda_jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n '/^Class-Path:/,/^[A-Z][A-Za-z-]*:/p' | sed 's/^ //' | tr -d '\n')
[[ "$classpath" == *"lib/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar"* ]] || fail "the CUDA jar's Class-Path lacks the CUDA natives: $classpath"
[[ "$classpath" != *"lib/nd4j-native-1"* ]] || fail "the CUDA jar's Class-Path names the CPU natives: $classpath"
pass "the CUDA kernel jar names nd4j-cuda-11.6 and its linux-x86_64 natives, and no nd4j-native"

echo '{"transport":"tcp","ip":"127.0.0.1","shell_port":0,"iopub_port":0,"stdin_port":0,"control_port":0,"hb_port":0,"key":"","signature_scheme":"hmac-sha256"}' > "$work/conn.json"
starts_cleanly_failing() {   # $1: what, $2: text the message must contain; runs the kernel with the rest of "$@" as env
    local what=$1 expect=$2 rc
    shift 2
    set +e
    env "$@" java -jar "$cuda_jar" "$work/conn.json" > "$work/out" 2> "$work/err"
    rc=$?
    set -e
    [[ $rc -eq 3 ]] || fail "$what: exit code $rc, expected 3; stderr: $(head -c 2000 "$work/err")"
    [[ ! -s "$work/out" ]] || fail "$what: printed to stdout: $(head -c 500 "$work/out")"
    [[ $(wc -l < "$work/err") -eq 1 ]] || fail "$what: expected one line on stderr, got: $(cat "$work/err")"
    grep -q "^\[mge4j ERROR\] mge4j was built for ND4J's CUDA backend (nd4j-cuda-11.6, the cuda profile), but it cannot start on this machine: .*$expect.*Use the CPU build instead: the \"Java (mge4j)\" kernelspec" "$work/err" \
        || fail "$what: unexpected message: $(cat "$work/err")"
    pass "$what: exit 3 and one line: $(cut -c1-160 "$work/err")..."
}
if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 ' || [[ -e /proc/driver/nvidia/version ]]; then
    echo "  (this machine has an NVIDIA driver: the no-GPU start-up checks are skipped; install/gpu-check.sh checks the GPU)"
else
    starts_cleanly_failing "no NVIDIA driver" "the NVIDIA driver (libcuda.so.1 was not found" LD_LIBRARY_PATH=
    mkdir -p "$work/fake"
    for lib in libcuda.so.1 libcudart.so.11.0 libcublas.so.11 libcublasLt.so.11 libcusolver.so.11; do : > "$work/fake/$lib"; done
    starts_cleanly_failing "a broken driver (empty libcuda.so.1)" "no usable NVIDIA GPU" LD_LIBRARY_PATH="$work/fake"
fi

prefix="$work/prefix"
java -jar "$cuda_jar" install --prefix "$prefix" --backend cuda > "$work/install.out"
spec="$prefix/share/jupyter/kernels/mge4j-cuda/kernel.json"
grep -q '"display_name" : "Java (mge4j, CUDA)"' "$spec" || fail "kernel.json of mge4j-cuda: $(cat "$spec")"
[[ -f "$prefix/share/jupyter/kernels/mge4j-cuda/lib/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar" ]] || fail "the CUDA kernelspec lacks the CUDA natives"
pass "install --backend cuda registers mge4j-cuda, \"Java (mge4j, CUDA)\", with the CUDA natives"
set +e
java -jar "$cuda_jar" install --prefix "$prefix" 2> "$work/err1"; rc1=$?
java -jar "$cpu_jar" install --prefix "$prefix" --backend cuda 2> "$work/err2"; rc2=$?
set -e
[[ $rc1 -eq 2 ]] && grep -q "install --backend cuda" "$work/err1" || fail "the CUDA jar registered the CPU kernelspec (exit $rc1): $(cat "$work/err1")"
[[ $rc2 -eq 2 ]] && grep -q "mvn -Pcuda -DskipTests package" "$work/err2" || fail "the CPU jar registered the CUDA kernelspec (exit $rc2): $(cat "$work/err2")"
[[ ! -e "$prefix/share/jupyter/kernels/mge4j" ]] || fail "a CPU kernelspec appeared from the CUDA jar"
pass "neither jar registers the other backend's kernelspec, and each says which command to use"
echo "== cuda-check: all $passed checks passed in $(( $(date +%s) - t0 )) s"
