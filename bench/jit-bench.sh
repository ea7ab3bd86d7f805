#!/usr/bin/env bash
# Issue 6's benchmark: the tutorial ConvNet's inference eager vs dumped .mge graph vs ONNX Runtime (batch 1 and 64),
# in one process; writes its section of bench/RESULTS.md. Options go to org.mge4j.bench.JitBench, e.g.
#   bench/jit-bench.sh --threads 1 --rounds 5
#   VECTOR_MODULE=0 bench/jit-bench.sh --threads 1 --rounds 5   # no jdk.incubator.vector: the plain-Java kernels
# DEBUG=true prints the prepared form GraphInference picks; KERNELS=auto|java|nd4j sets -Dmge4j.jit.kernels.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# builds dl-core in the reactor: the run measures this working tree, and ~/.m2 (shared by worktrees) is left alone
mvn -q -B -o -Pbench -pl bench -am package -DskipTests
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
modules=(--add-modules jdk.incubator.vector)
[[ "${VECTOR_MODULE:-1}" == 0 ]] && modules=()
exec java -Xmx1g "${modules[@]}" -Dmge4j.jit.debug=${DEBUG:-false} -Dmge4j.jit.kernels=${KERNELS:-auto} -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 -cp "$cp" org.mge4j.bench.JitBench --results bench/RESULTS.md "$@"
