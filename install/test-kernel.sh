#!/usr/bin/env bash
# Tests of the Jupyter kernel against real Jupyter clients:
#   1. builds the shaded kernel jar,
#   2. checks the install/mge4j file tools (inspect, convert) against numpy (install/cli_check.py),
#   3. installs the kernelspec with the jar's own installer into a temp prefix (JUPYTER_PATH points there),
#   4. runs the jupyter_kernel_test conformance suite (install/kernel_conformance.py),
#   5. executes a notebook with jupyter nbconvert and checks its outputs,
#   6. drives a jupyter console session from a script,
#   7. checks what the kernel prints to the console at start: its one line and nothing else, and with 'install --vector'
#      the JVM's incubator warning before it (install/kernel_console_check.py).
# Needs the Debian packages python3-jupyter-client python3-jupyter-kernel-test python3-nbconvert
# python3-nbformat jupyter-console (run with /usr/bin/python3). Exits non-zero on any failure.
# Usage: install/test-kernel.sh [--skip-build] [--java PATH]
#   --java PATH (or MGE4J_JAVA=PATH): the kernelspec runs that Java (installed with 'install --java PATH'), and so do
#   the file tools; default: the java on the PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
cd "$ROOT"
skip_build=false
KERNEL_JAVA="${MGE4J_JAVA:-}"
while (($#)); do
    case "$1" in
        --skip-build) skip_build=true; shift ;;
        --java) [[ $# -ge 2 ]] || { echo "test-kernel: --java needs a path" >&2; exit 2; }; KERNEL_JAVA="$2"; shift 2 ;;
        *) echo "usage: install/test-kernel.sh [--skip-build] [--java PATH]" >&2; exit 2 ;;
    esac
done
JAVA_FOR_KERNEL="${KERNEL_JAVA:-java}"
JAVA_VERSION="$("$JAVA_FOR_KERNEL" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
[[ -n "$JAVA_VERSION" ]] || { echo "test-kernel: '$JAVA_FOR_KERNEL' does not run as java" >&2; exit 1; }
echo "== the kernel runs on Java $JAVA_VERSION ($(command -v "$JAVA_FOR_KERNEL"))"

if ! $skip_build; then
    mvn -q -B -N install
    mvn -q -B -pl dl-core,display install -DskipTests   # the kernel ships dl-core and display in lib/
    mvn -q -B -pl kernel package -DskipTests
fi
JAR="$(ls "$ROOT"/kernel/target/kernel-*-all.jar | head -1)"
[[ -f "$JAR" ]] || { echo "test-kernel: no shaded jar in kernel/target; build with mvn -pl kernel package" >&2; exit 1; }

for mod in jupyter_client jupyter_kernel_test nbformat nbconvert; do
    $PY -c "import $mod" 2>/dev/null || { echo "test-kernel: missing Python module $mod; apt-get install python3-jupyter-client python3-jupyter-kernel-test python3-nbconvert python3-nbformat jupyter-console" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/mge4j-kernel-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export JUPYTER_PATH="$WORK/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$WORK/data"        # history file and user kernelspecs stay out of $HOME
export JUPYTER_RUNTIME_DIR="$WORK/runtime"
export JUPYTER_CONFIG_DIR="$WORK/config"

echo "== mge4j inspect/convert against numpy (install/cli_check.py)"
NUMPY_PY=""
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null && "$py" -c "import numpy" 2>/dev/null; then NUMPY_PY="$py"; break; fi
done
[[ -n "$NUMPY_PY" ]] || { echo "test-kernel: no python3 with numpy for the CLI check (apt-get install python3-numpy)" >&2; exit 1; }
# install/mge4j runs $JAVA_HOME/bin/java: the Java under test
JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA_FOR_KERNEL")")")")" \
    MGE4J_JAR="$JAR" "$NUMPY_PY" "$ROOT/install/cli_check.py" "$WORK/cli"

echo "== install kernelspec"
if [[ -n "$KERNEL_JAVA" ]]; then
    java -jar "$JAR" install --prefix "$WORK/prefix" --name mge4j --java "$KERNEL_JAVA"
else
    java -jar "$JAR" install --prefix "$WORK/prefix" --name mge4j
fi
SPECS="$($PY -m jupyter_client.kernelspecapp list 2>/dev/null || true)"
echo "$SPECS" | grep -q "mge4j *$WORK" || { echo "test-kernel: kernelspec mge4j not visible to Jupyter: $SPECS" >&2; exit 1; }
grep -q '"interrupt_mode" : "message"' "$WORK/prefix/share/jupyter/kernels/mge4j/kernel.json"

echo "== jupyter_kernel_test conformance"
LOG="$WORK/conformance.log"
(cd "$ROOT/install" && $PY -m unittest -v kernel_conformance) 2>&1 | tee "$LOG"
grep -q "^OK" "$LOG" || { echo "test-kernel: conformance tests failed" >&2; exit 1; }
# every harness test has a sample, so none may be skipped
SKIPS="$(grep -E "\.\.\. skipped|skipped=" "$LOG" || true)"
[[ -z "$SKIPS" ]] || { echo "test-kernel: unexpected skipped tests:"; echo "$SKIPS"; exit 1; } >&2

echo "== notebook through nbconvert"
$PY - "$WORK" <<'PYEOF'
import sys, nbformat
from nbformat.v4 import new_notebook, new_code_cell
work = sys.argv[1]
nb = new_notebook(cells=[
    new_code_cell('System.out.println("hi");'),
    new_code_cell('int n = 20;\nn + 22'),
    new_code_cell('display("<b>bold</b>", "text/html");'),
    # dl-core with no import lines: the startup imports and lib/ next to the installed jar
    new_code_cell('var net = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));\n'
                  'var y = net.call(Tensor.randn(5, 4));\n'
                  'System.out.println(Arrays.toString(y.shape()));\n'
                  'net.stateDict().forEach((k, v) -> System.out.println(k + " " + Arrays.toString(v.shape())));'),
    # redefinition through the installed jar's Launcher-Agent-Class: the old instance sees the new method
    new_code_cell('class Shape { int sides() { return 3; } }\nShape shape = new Shape();\nint unrelated = 7;'),
    new_code_cell('class Shape { int sides() { return 4; } }'),
    new_code_cell('shape.sides() + " " + unrelated'),
    # display: a state dict table, a tensor image grid, a chart, a progress bar updated in place (nbclient
    # applies update_display_data to the output it stored, so only the final state remains)
    new_code_cell('net.stateDict()'),
    new_code_cell('display(Images.grid(Tensor.rand(6, 1, 28, 28), "a", "b", "c", "d", "e", "f"));'),
    new_code_cell('LineChart.of("loss", List.of(2.3, 1.1, 0.7, 0.5)).xLabel("epoch")'),
    new_code_cell('for (int i : Progress.range(20).desc("train")) { Thread.sleep(20); }'),
], metadata={"kernelspec": {"name": "mge4j", "display_name": "Java (mge4j)", "language": "java"}})
nbformat.write(nb, work + "/demo.ipynb")
PYEOF
$PY -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=mge4j \
    --ExecutePreprocessor.timeout=120 --output "$WORK/executed.ipynb" "$WORK/demo.ipynb" 2>&1 | tail -3
$PY - "$WORK/executed.ipynb" <<'PYEOF'
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
c = nb.cells
assert c[0].outputs[0]["text"] == "hi\n", c[0].outputs
assert c[1].outputs[0]["data"]["text/plain"] == "42", c[1].outputs
assert c[2].outputs[0]["data"]["text/html"] == "<b>bold</b>", c[2].outputs
dl = "".join(o.get("text", "") for o in c[3].outputs if o.get("name") == "stdout")
assert dl == ("[5, 2]\n0.bias [3]\n0.weight [3, 4]\n2.bias [2]\n2.weight [2, 3]\n"), c[3].outputs
assert c[6].outputs[0]["data"]["text/plain"] == "4 7", c[6].outputs
sd = c[7].outputs[0]
assert sd["output_type"] == "execute_result", c[7].outputs
assert "<table" in sd["data"]["text/html"] and "0.weight" not in sd["data"]["text/html"], sd["data"]["text/html"][:300]
assert sd["data"]["text/plain"].startswith("state dict: 4 tensors, 23 elements"), sd["data"]["text/plain"]
grid = c[8].outputs[0]
assert grid["output_type"] == "display_data" and grid["data"]["image/png"].startswith("iVBOR"), c[8].outputs
assert grid["data"]["text/plain"].startswith("[image grid: 6 images (1, 28, 28): a, b, c"), grid["data"]["text/plain"]
chart = c[9].outputs[0]
assert chart["data"]["image/png"].startswith("iVBOR") and chart["data"]["text/plain"].startswith("LineChart"), chart
bars = [o for o in c[10].outputs if o["output_type"] == "display_data"]
assert len(bars) == 1, c[10].outputs   # one output, redrawn in place
assert "train: 100%|" in bars[0]["data"]["text/plain"] and "20/20" in bars[0]["data"]["text/plain"], bars
assert "width:100.0%" in bars[0]["data"]["text/html"], bars
assert nb.metadata["language_info"]["name"] == "java"
print("notebook outputs OK")
PYEOF

echo "== jupyter console session"
if command -v jupyter-console >/dev/null; then
    OUT="$(printf 'int k = 6 * 7;\nSystem.out.println("answer " + k);\nexit\n' \
        | timeout 120 jupyter-console --kernel mge4j --simple-prompt 2>&1 || true)"
    echo "$OUT" | tail -5
    echo "$OUT" | grep -q "answer 42" || { echo "test-kernel: jupyter console did not print 'answer 42'" >&2; exit 1; }
else
    echo "test-kernel: jupyter-console is not installed (apt-get install jupyter-console)" >&2; exit 1
fi

echo "== the console at kernel start: one line (which Java, which backend), no other JVM warning, no logging"
# the default kernelspec: exactly one line; 'install --vector' adds the vector API module, whose incubator warning the
# JVM prints before main (no option silences it)
$PY "$ROOT/install/kernel_console_check.py" mge4j "$JAVA_VERSION"
java -jar "$JAR" install --prefix "$WORK/prefix" --name mge4j-vector --vector ${KERNEL_JAVA:+--java "$KERNEL_JAVA"} >/dev/null
$PY "$ROOT/install/kernel_console_check.py" mge4j-vector "$JAVA_VERSION"
echo "test-kernel: all kernel checks passed on Java $JAVA_VERSION"
