#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian/Ubuntu machine, then runs every test of mge4j.
#   install/test.sh            everything
#   install/test.sh --no-apt   skip the package check (you installed the prerequisites yourself)
# The kernel checks (conformance, notebooks, browser) run on the default java (JDK 17 on Debian 12) and again on a
# JDK 25, with the unit tests of dl-core, display and kernel: MGE4J_JAVA25=/path/to/jdk (or its bin/java), else a
# JDK 25 under /usr/lib/jvm, else the oldest JDK newer than 25 there; none: a printed "skipped" line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

apt_packages=(openjdk-17-jdk-headless maven dataset-fashion-mnist python3 python3-venv python3-numpy
              python3-jupyter-client python3-jupyter-kernel-test python3-nbclient
              python3-nbconvert python3-nbformat jupyter-console
              fonts-dejavu-core chromium chromium-driver)

install_packages() {
    local missing=()
    for p in "${apt_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    echo "== installing: ${missing[*]}"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

[[ "${1:-}" == "--no-apt" ]] || install_packages

# The java of the JDK 25 (or newer) to test the kernel on as well; nothing when this machine has none.
find_java25() {
    if [[ -n "${MGE4J_JAVA25:-}" ]]; then
        local j="$MGE4J_JAVA25"
        [[ -d "$j" ]] && j="$j/bin/java"
        [[ -x "$j" ]] || { echo "test: MGE4J_JAVA25=$MGE4J_JAVA25 is neither a java nor a JDK folder" >&2; exit 2; }
        echo "$j"
        return
    fi
    local home version feature best="" best_feature=0
    for home in /usr/lib/jvm/*/; do
        home="${home%/}"
        [[ -x "$home/bin/java" && -f "$home/release" ]] || continue
        version="$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release")"
        feature="${version%%[.+-]*}"
        [[ "$feature" =~ ^[0-9]+$ ]] && ((feature >= 25)) || continue
        # 25 itself (the LTS) first, else the oldest newer one
        if [[ -z "$best" ]] || { ((feature == 25)) && ((best_feature != 25)); } \
                || { ((best_feature != 25)) && ((feature < best_feature)); }; then
            best="$home/bin/java"; best_feature=$feature
        fi
    done
    echo "$best"
}

export MAVEN_OPTS="${MAVEN_OPTS:-} -Xmx1g"
start=$(date +%s)
timings=()
# phase LABEL COMMAND...: runs it under a heading and keeps its time for the summary
phase() {
    local label="$1" t0
    shift
    echo "== $label"
    t0=$(date +%s)
    "$@"
    timings+=("$(printf '%6d s  %s' $(( $(date +%s) - t0 )) "$label")")
}

java17="$(command -v java)"
v17="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
java25="$(find_java25)"
if [[ -n "$java25" && "$(readlink -f "$java25")" == "$(readlink -f "$java17")" ]]; then
    java25=""   # the default java is already the newest one; it is tested below
fi

phase "build and unit tests (dl-core, display, kernel) on Java $v17" mvn -B -ntp install

# kernel_checks LABEL JAVA: conformance, every notebook and the browser check with the kernelspec on that Java
kernel_checks() {
    local v="$1" java="$2"
    phase "kernel conformance (jupyter_kernel_test, nbconvert, jupyter console, console at start) on Java $v" \
        install/test-kernel.sh --skip-build --java "$java"
    phase "every notebook in notebooks/ (nbclient, install/notebook_check.py) on Java $v" \
        install/test-notebooks.sh --java "$java"
    if [[ "${MGE4J_SKIP_BROWSER:-0}" != "1" ]]; then
        # ~50 s with the venv in place (~2 min on a fresh machine); the screenshots (the tour's outputs, and the
        # serialization guide run from JupyterLab's Run menu) are kept as test artifacts in target/, not docs/
        local shots="$root/target/test-artifacts/browser-java${v%%.*}"
        rm -rf "$shots"
        phase "display in a real browser (JupyterLab + chromium; MGE4J_SKIP_BROWSER=1 skips it) on Java $v" \
            install/test-browser.sh --skip-build --java "$java" "$shots"
    fi
}
kernel_checks "$v17" "$java17"

if [[ -n "$java25" ]]; then
    v25="$("$java25" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
    # compiled by that JDK's javac for release 17; the kernel tests start kernels with its java.home
    phase "unit tests (dl-core, display, kernel) on Java $v25 ($java25)" \
        env JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java25")")")" mvn -B -ntp test
    kernel_checks "$v25" "$java25"
else
    echo "== Java 25: skipped: no JDK 25 on this machine (MGE4J_JAVA25=/path/to/jdk, or a JDK 25+ under /usr/lib/jvm)"
fi

if [[ "${MGE4J_SKIP_CUDA_CHECK:-}" == 1 ]]; then
    echo "== CUDA build check skipped (MGE4J_SKIP_CUDA_CHECK=1)"
else
    phase "CUDA build: mvn -Pcuda resolves and builds, fails cleanly without a GPU, registers its kernelspec" \
        install/cuda-check.sh
fi

echo "== time per phase"
printf '%s\n' "${timings[@]}"
echo "== all tests passed in $(( $(date +%s) - start )) s"
