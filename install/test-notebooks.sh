#!/usr/bin/env bash
# Executes every notebook in notebooks/ with nbclient against the mge4j kernel, installed by the jar's own
# installer into a temp prefix, and checks key outputs (install/notebook_check.py, install/notebook_checks/).
#   install/test-notebooks.sh [--java PATH] [--out DIR] [NOTEBOOK ...]   executed copies go to DIR when given
# --java PATH (or MGE4J_JAVA=PATH): the kernelspec runs that Java ('install --java PATH'); default: the java on the PATH.
# Needs the shaded jar (mvn install) and python3-nbclient python3-nbformat (run with /usr/bin/python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KERNEL_JAVA="${MGE4J_JAVA:-}"
if [[ "${1:-}" == "--java" ]]; then
    [[ $# -ge 2 ]] || { echo "test-notebooks: --java needs a path" >&2; exit 2; }
    KERNEL_JAVA="$2"
    shift 2
fi
JAR="$(ls "$ROOT"/kernel/target/kernel-*-all.jar 2>/dev/null | head -1 || true)"
[[ -f "$JAR" ]] || { echo "test-notebooks: no shaded jar in kernel/target; run mvn install first" >&2; exit 1; }
WORK="$(mktemp -d /tmp/mge4j-notebooks.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export JUPYTER_PATH="$WORK/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$WORK/data"
export JUPYTER_RUNTIME_DIR="$WORK/runtime"
export JUPYTER_CONFIG_DIR="$WORK/config"
java -jar "$JAR" install --prefix "$WORK/prefix" --name mge4j ${KERNEL_JAVA:+--java "$KERNEL_JAVA"} >/dev/null
/usr/bin/python3 install/notebook_check.py --kernel mge4j "$@"
