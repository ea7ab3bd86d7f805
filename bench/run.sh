#!/usr/bin/env bash
# Builds dl-core and the bench module, makes the Python venv if missing, then runs the ConvNet benchmark:
# every engine in its own process; writes bench/RESULTS.md. Options go to org.mge4j.bench.Harness, e.g.
#   bench/run.sh                      # full run: 3 rounds, threads 1 and 2, all engines, loss cross-check
#   bench/run.sh --quick              # a short smoke run
#   bench/run.sh --engines djl,python --threads 1 --rounds 2
#   bench/run.sh saveload [--rounds 7]  # save/load of a 256 MB state dict vs raw file I/O and Python pickle
#                                      # (a section of bench/RESULTS.md; Python: bench/.venv, else python3 + numpy)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mode=convnet
if [[ "${1:-}" == saveload ]]; then
  mode=saveload
  shift
fi
if [[ $mode == convnet && ! -x bench/.venv/bin/python ]]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q torch numpy
fi
# dl-core may not build yet while it is being written: then the harness measures the peers only
if ! mvn -q -B install -DskipTests >/tmp/mge4j-bench-build.log 2>&1; then
  echo "note: the reactor does not build (see /tmp/mge4j-bench-build.log); benchmarking without mge4j" >&2
fi
mvn -q -B -Pbench -pl bench package -DskipTests
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
if [[ $mode == saveload ]]; then
  exec java -Xmx4g -cp "$cp" -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 \
    "-Dbench.command=bench/run.sh saveload $*" org.mge4j.bench.SaveLoadBench "$@"
fi
exec java -Xmx512m -cp "$cp" "-Dbench.command=bench/run.sh $*" org.mge4j.bench.Harness "$@"
