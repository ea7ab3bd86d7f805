#!/usr/bin/env bash
# The main job in one command: installs what is missing, builds the kernel if needed, registers the
# "Java (mge4j)" kernelspec for this user and opens Jupyter on notebooks/.
#   install/notebook.sh             open Jupyter Notebook on notebooks/
#   install/notebook.sh --execute   run every notebook headless; executed copies and HTML go to a folder it prints
# Re-running it is fast: packages, the build and the kernelspec are only redone when something changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
execute=false
[[ "${1:-}" == "--execute" ]] && execute=true

packages=(openjdk-17-jdk-headless maven dataset-fashion-mnist python3-nbconvert python3-nbformat python3-nbclient)
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

if $execute; then
    out="${MGE4J_OUT:-$root/target/notebooks}"
    mkdir -p "$out"
    shopt -s nullglob
    notebooks=(notebooks/*.ipynb)
    ((${#notebooks[@]})) || { echo "no notebooks in notebooks/"; exit 0; }
    for nb in "${notebooks[@]}"; do
        echo "== executing $nb"
        /usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=mge4j \
            --ExecutePreprocessor.timeout=1200 --output-dir "$out" "$nb"
        /usr/bin/python3 -m nbconvert --to html --output-dir "$out" "$out/$(basename "$nb")"
    done
    echo "== executed notebooks and HTML are in $out"
else
    echo "== opening Jupyter on notebooks/"
    exec jupyter notebook --notebook-dir="$root/notebooks" ${MGE4J_JUPYTER_ARGS:-}
fi
