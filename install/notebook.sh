#!/usr/bin/env bash
# The main job in one command: installs what is missing, builds the kernel if needed, registers the
# "Java (mge4j)" kernelspec for this user and opens Jupyter on notebooks/.
#   install/notebook.sh             open Jupyter Notebook on notebooks/
#   install/notebook.sh --execute   run every notebook headless; executed copies and HTML go to a folder it prints
#   install/notebook.sh --cuda      also build the CUDA kernel (mvn -Pcuda, into kernel/target-cuda) and register it
#                                   as a second kernelspec, "Java (mge4j, CUDA)"; the CPU kernel stays the default
#                                   (add MGE4J_CUDA_PROFILES=cuda,cuda-redist where the machine has no CUDA 11 libraries)
# Re-running it is fast: packages, the build and the kernelspec are only redone when something changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
execute=false
cuda=false
for arg in "$@"; do
    case "$arg" in
        --execute) execute=true ;;
        --cuda) cuda=true ;;
        *) echo "usage: install/notebook.sh [--execute] [--cuda]" >&2; exit 2 ;;
    esac
done

# python3-numpy: notebooks 01, 03 and 05 show Python reading what Java wrote
packages=(openjdk-17-jdk-headless maven dataset-fashion-mnist python3-numpy python3-nbconvert python3-nbformat python3-nbclient)
$execute || packages+=(jupyter-notebook)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "== installing: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

jar=$(ls kernel/target/kernel-*-all.jar 2>/dev/null | head -1 || true)
if [[ -z "$jar" ]] || [[ -n "$(find pom.xml dl-core display kernel -newer "$jar" \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit)" ]]; then
    echo "== building the kernel (mvn -DskipTests install)"
    mvn -B -q -ntp -DskipTests install
    jar=$(ls kernel/target/kernel-*-all.jar | head -1)
fi

echo "== registering the kernelspec 'mge4j' for $(id -un)"
java -jar "$jar" install --user --name mge4j

if $cuda; then
    cuda_jar=$(ls kernel/target-cuda/kernel-*-all.jar 2>/dev/null | head -1 || true)
    if [[ -z "$cuda_jar" ]] || [[ -n "$(find pom.xml dl-core kernel -newer "$cuda_jar" \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit)" ]]; then
        echo "== building the CUDA kernel (mvn -P${MGE4J_CUDA_PROFILES:-cuda} -DskipTests package; ~620 MB of ND4J CUDA natives the first time)"
        rm -rf kernel/target-cuda/lib
        mvn -B -q -ntp -P"${MGE4J_CUDA_PROFILES:-cuda}" -DskipTests package -pl kernel -am
        cuda_jar=$(ls kernel/target-cuda/kernel-*-all.jar | head -1)
    fi
    echo "== registering the kernelspec 'mge4j-cuda' (Java (mge4j, CUDA)) for $(id -un)"
    java -jar "$cuda_jar" install --user --backend cuda
fi

if $execute; then
    out="${MGE4J_OUT:-$root/target/notebooks}"
    mkdir -p "$out"
    echo "== executing every notebook in notebooks/ with the mge4j kernel (install/notebook_check.py)"
    # each runs in a fresh kernel in a scratch copy of notebooks/, its outputs are checked, the executed copy is kept
    status=0
    /usr/bin/python3 install/notebook_check.py --kernel mge4j --out "$out" || status=$?
    for nb in "$out"/*.ipynb; do
        /usr/bin/python3 -m nbconvert --to html --log-level WARN --output-dir "$out" "$nb"
    done
    echo "== executed notebooks and HTML are in $out"
    exit $status
else
    echo "== opening Jupyter on notebooks/"
    exec jupyter notebook --notebook-dir="$root/notebooks" ${MGE4J_JUPYTER_ARGS:-}
fi
