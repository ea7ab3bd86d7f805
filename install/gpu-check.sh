#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU (driver installed; Maven Central reachable the first time):
#   1. builds the CPU kernel (kernel/target) and the CUDA kernel (mvn -Pcuda, kernel/target-cuda); adds the
#      cuda-redist profile when the machine has no CUDA 11 cuBLAS (MGE4J_CUDA_PROFILES overrides, e.g. "cuda"),
#   2. on the CPU: the tutorial ConvNet's initial weights, its first 10 training losses and a step time,
#   3. on the GPU: the same weights moved with model.to("gpu0"), 200 SGD steps on Fashion-MNIST (the first 10
#      losses compared with the CPU's within 1e-3), accuracy, a checkpoint saved on the GPU, a step time,
#   4. on the CPU again: the GPU's checkpoint loaded with mapLocation "cpu0", its logits compared, training resumed,
#   5. prints whether ND4J's CUDA 11.6 build runs on this GPU, and the step times side by side.
# Usage: install/gpu-check.sh [--dry-run]
#   --dry-run   on a machine without a GPU: shows the CUDA build's start-up message, then runs step 3 on cpu0
# Output and log: target/gpu-check/ (MGE4J_GPU_CHECK_OUT). Exit 0 when every check passed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
dry=false
[[ "${1:-}" == "--dry-run" ]] && dry=true
out="${MGE4J_GPU_CHECK_OUT:-$root/target/gpu-check}"
rm -rf "$out"
mkdir -p "$out"
exec > >(tee "$out/gpu-check.log") 2>&1

echo "== the machine"
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv 2>/dev/null || nvidia-smi -L || true
else
    echo "nvidia-smi not found: no NVIDIA driver here"
fi
if [[ ! -d "${MGE4J_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}" ]]; then
    echo "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist, or set MGE4J_FASHION_MNIST to its folder" >&2
    exit 2
fi

has_cublas11() {
    ldconfig -p 2>/dev/null | grep -q 'libcublas\.so\.11 ' && return 0
    local d
    for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/local/cuda/lib64 /usr/local/cuda-11*/lib64; do
        [[ -e "$d/libcublas.so.11" ]] && return 0
    done
    return 1
}
profiles="${MGE4J_CUDA_PROFILES:-}"
if [[ -z "$profiles" ]]; then
    if has_cublas11 || $dry; then profiles=cuda; else profiles=cuda,cuda-redist; fi
fi

echo "== building the CPU kernel (kernel/target) and the CUDA kernel (-P$profiles, kernel/target-cuda)"
t0=$(date +%s)
mvn -B -q -ntp -DskipTests package -pl kernel -am
rm -rf kernel/target-cuda/lib     # copy-dependencies never removes a jar; a stale redist jar would linger
mvn -B -q -ntp -P"$profiles" -DskipTests package -pl kernel -am
echo "built in $(( $(date +%s) - t0 )) s; CUDA lib/: $(du -sh kernel/target-cuda/lib | cut -f1)"

# each build's kernel jar names exactly its libraries in its manifest Class-Path
cpu_jar=$(ls kernel/target/kernel-*-all.jar | head -1)
cuda_jar=$(ls kernel/target-cuda/kernel-*-all.jar | head -1)
check=install/gpu/GpuCheck.java
jvm=(java -Xmx4g)
echo "== 1/3 CPU reference"
"${jvm[@]}" -cp "$cpu_jar" "$check" cpu "$out"

echo "== 2/3 the GPU"
set +e
"${jvm[@]}" -cp "$cuda_jar" "$check" gpu "$out" gpu0
gpu_rc=$?
set -e
case $gpu_rc in
    0) runs="yes: ND4J's CUDA 11.6 build trains the ConvNet on this GPU and matches the CPU" ;;
    1) runs="it starts, but a check failed (see above)" ;;
    3) runs="no: the CUDA backend could not start (the message above says why)" ;;
    *) runs="no: the JVM ended with exit code $gpu_rc (a native crash?) — see above" ;;
esac
device=gpu0
if [[ $gpu_rc -ne 0 && $gpu_rc -ne 1 ]] && $dry; then
    echo "== 2/3 dry run: the same steps on cpu0 with the CPU build"
    "${jvm[@]}" -cp "$cpu_jar" "$check" gpu "$out" cpu0
    device="cpu0 (dry run)"
fi

loaded=1
if [[ -f "$out/gpu-ckpt.pkl" ]]; then
    echo "== 3/3 the GPU's checkpoint on the CPU"
    set +e
    "${jvm[@]}" -cp "$cpu_jar" "$check" load "$out"
    loaded=$?
    set -e
fi

echo "== summary"
echo "GPU: $(nvidia-smi --query-gpu=name,compute_cap --format=csv,noheader 2>/dev/null | head -1 || echo none)"
echo "Does ND4J's CUDA 11.6 build (nd4j-cuda-11.6 1.0.0-M2.1, sm_37-sm_86 cubins, no PTX) run on this GPU? $runs"
if [[ -f "$out/cpu-step-ms.txt" && -f "$out/gpu-step-ms.txt" ]]; then
    awk -v c="$(cat "$out/cpu-step-ms.txt")" -v g="$(cat "$out/gpu-step-ms.txt")" -v d="$device" \
        'BEGIN { printf "training step, ConvNet, batch 64: cpu0 %.2f ms, %s %.2f ms (%s/cpu0 = %.2fx)\n", c, d, g, d, g / c }'
fi
if [[ $gpu_rc -eq 0 && $loaded -eq 0 ]] || { $dry && [[ $loaded -eq 0 ]]; }; then
    echo "gpu-check: passed ($device); log in $out/gpu-check.log"
    exit 0
fi
echo "gpu-check: FAILED; log in $out/gpu-check.log"
exit 1
