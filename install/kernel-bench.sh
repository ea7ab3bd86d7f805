#!/usr/bin/env bash
# Benchmark (not a test) of the kernel against ipykernel: installs the built kernel jar as one kernelspec per JDK
# into a temporary prefix, registers Debian's ipykernel there as the peer, and runs install/kernel-bench.py on all
# of them in one run. Build first: mvn -B -q -ntp -pl kernel -am package -DskipTests
#
#   install/kernel-bench.sh [--jdk NAME=JAVA_HOME[=OPTS]]... [--jvm-opt OPT]... [-- kernel-bench.py options]
#
# Defaults: --jdk mge4j-jdk17=/usr/lib/jvm/java-17-openjdk-amd64 --jdk mge4j-jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
# (a JDK that is not there is skipped). OPTS (space-separated) are JVM options for that kernelspec only, so one run
# can hold the same JDK with and without them; --jvm-opt is passed to every mge4j kernelspec. Both go through
# kernel.jar install --jvm-opt.
# Example, writing bench/RESULTS-kernel.md:  install/kernel-bench.sh -- --markdown bench/RESULTS-kernel.md
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
export KERNEL_BENCH_COMMAND="install/kernel-bench.sh $*"
jdks=()
opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) jdks+=("$2"); shift 2 ;;
    --jvm-opt) opts+=(--jvm-opt "$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1 (bench options go after --)" >&2; exit 2 ;;
  esac
done
[ ${#jdks[@]} -gt 0 ] || jdks=(mge4j-jdk17=/usr/lib/jvm/java-17-openjdk-amd64 mge4j-jdk25=/usr/lib/jvm/temurin-25-jdk-amd64)
jar=$(ls kernel/target/kernel-*-all.jar 2>/dev/null | head -1)
[ -n "$jar" ] || { echo "no kernel/target/kernel-*-all.jar: build it first" >&2; exit 2; }
prefix=$(mktemp -d /tmp/kernel-bench-prefix.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
names=()
for j in "${jdks[@]}"; do
  name=${j%%=*}; rest=${j#*=}; home=${rest%%=*}; own=()
  if [ "$rest" != "$home" ]; then for o in ${rest#*=}; do own+=(--jvm-opt "$o"); done; fi
  if [ ! -x "$home/bin/java" ]; then echo "[bench] no $home/bin/java: $name skipped" >&2; continue; fi
  java -jar "$jar" install --prefix "$prefix" --name "$name" --java "$home/bin/java" ${opts[@]+"${opts[@]}"} \
    ${own[@]+"${own[@]}"} >&2
  names+=("$name")
done
"$PY" -m ipykernel install --prefix "$prefix" --name ipykernel >/dev/null 2>&1
names+=(ipykernel)
JUPYTER_PATH="$prefix/share/jupyter" "$PY" install/kernel-bench.py --peer ipykernel "$@" "${names[@]}"
