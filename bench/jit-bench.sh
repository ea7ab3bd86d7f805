#!/usr/bin/env bash
# Issue 6's benchmark: the tutorial ConvNet's inference eager vs dumped .mge graph vs ONNX Runtime (batch 1 and 64),
# in one process; writes its section of bench/RESULTS.md. Options go to org.mge4j.bench.JitBench, e.g.
#   bench/jit-bench.sh --threads 1 --rounds 5
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -o install -DskipTests
mvn -q -B -o -Pbench -pl bench package -DskipTests
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
exec java -Xmx1g --add-modules jdk.incubator.vector -Dmge4j.jit.debug=${DEBUG:-false} -Dmge4j.jit.kernels=${KERNELS:-auto} -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 -cp "$cp" org.mge4j.bench.JitBench --results bench/RESULTS.md "$@"
