#!/usr/bin/env bash
# The real browser check of display: a tour notebook (state dict table, module tree, image grid, training curve,
# progress bar) is executed with the mge4j kernel, opened in JupyterLab 4 served on localhost, and each output is
# screenshotted by Debian's chromium through Selenium; the script fails unless every output rendered (tables have
# rows, images decoded). Then it opens a scratch copy of notebooks/01-serialization-guide.ipynb, outputs cleared,
# runs every cell from JupyterLab's Run menu ("Run All Cells"), and fails unless all ran without an error and the
# rendered state dict table is on the page (guide-state-dict.png, guide-window.png). Screenshots go to docs/display/
# (or the folder given).
#   install/test-browser.sh [--skip-build] [--java PATH] [OUT_DIR]
# --java PATH (or MGE4J_JAVA=PATH): the kernelspec runs that Java ('install --java PATH'); default: the java on the PATH.
# Needs: apt packages chromium chromium-driver dataset-fashion-mnist python3-venv (installed when missing, as
# root); pip packages jupyterlab selenium nbconvert nbclient from the machine's package index, into a venv kept at
# $MGE4J_BROWSER_VENV (default ~/.cache/mge4j/browser-venv), so only the first run pays for them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
skip_build=false
if [[ "${1:-}" == "--skip-build" ]]; then skip_build=true; shift; fi
KERNEL_JAVA="${MGE4J_JAVA:-}"
if [[ "${1:-}" == "--java" ]]; then
    [[ $# -ge 2 ]] || { echo "test-browser: --java needs a path" >&2; exit 2; }
    KERNEL_JAVA="$2"
    shift 2
fi
OUT="${1:-$ROOT/docs/display}"
VENV="${MGE4J_BROWSER_VENV:-$HOME/.cache/mge4j/browser-venv}"
start=$(date +%s)

missing=()
for p in chromium chromium-driver dataset-fashion-mnist python3-venv; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "== installing: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if [[ ! -x "$VENV/bin/jupyter-lab" ]] || ! "$VENV/bin/python" -c "import selenium, nbclient, nbconvert" 2>/dev/null; then
    echo "== creating $VENV (jupyterlab, selenium, nbconvert)"
    python3 -m venv "$VENV"
    # unreachable indexes are tried once, not retried for minutes
    "$VENV/bin/pip" install -q --retries 0 --timeout 10 jupyterlab selenium nbconvert nbclient
fi

if ! $skip_build; then
    echo "== building the kernel"
    mvn -q -B -ntp -DskipTests install
fi
JAR="$(ls "$ROOT"/kernel/target/kernel-*-all.jar | head -1)"

WORK="$(mktemp -d /tmp/mge4j-browser.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export JUPYTER_PATH="$WORK/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$WORK/data"
export JUPYTER_RUNTIME_DIR="$WORK/runtime"
export JUPYTER_CONFIG_DIR="$WORK/config"
java -jar "$JAR" install --prefix "$WORK/prefix" --name mge4j ${KERNEL_JAVA:+--java "$KERNEL_JAVA"} >/dev/null

echo "== the tour notebook and the serialization guide in JupyterLab + chromium (the guide run from the Run menu)"
"$VENV/bin/python" "$ROOT/install/browser_check.py" "$WORK" "$OUT"
echo "test-browser: passed in $(( $(date +%s) - start )) s; screenshots in $OUT"
