"""Executes every notebook in notebooks/ against an installed mge4j kernel with nbclient and checks it.

    python3 install/notebook_check.py [--kernel mge4j] [--out DIR] [NOTEBOOK ...]

Each notebook runs in a fresh kernel, in a scratch copy of notebooks/ (files it writes stay out of the repository).
A notebook fails when a cell raises, when any output is an error, or when its checks fail: the module
install/notebook_checks/<notebook stem with '-' and '.' as '_'>.py, if present, defines check(nb) and asserts on the
executed notebook with the helpers of install/notebook_checks/outputs.py. Executed copies go to --out.
"""
import argparse
import importlib.util
import pathlib
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "notebook_checks"))
import outputs  # noqa: E402


def checks_for(notebook):
    module = notebook.stem.replace("-", "_").replace(".", "_")
    path = HERE / "notebook_checks" / (module + ".py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(module, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.check


def run(notebook, kernel, out_dir):
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="mge4j-nb."))
    try:
        shutil.copytree(notebook.parent, scratch, dirs_exist_ok=True)
        nb = nbformat.read(notebook, as_version=4)
        client = NotebookClient(nb, kernel_name=kernel, timeout=1200, allow_errors=False,
                                resources={"metadata": {"path": str(scratch)}})
        start = time.time()
        try:
            client.execute()
        finally:
            if out_dir is not None:   # kept even when a cell or a check fails, to see why
                nbformat.write(nb, out_dir / notebook.name)
        errors = outputs.errors(nb)
        assert not errors, f"{notebook.name}: error outputs: {errors}"
        check = checks_for(notebook)
        if check is not None:
            check(nb)
        return time.time() - start, check is not None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="mge4j")
    ap.add_argument("--out", type=pathlib.Path)
    ap.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = ap.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        sys.exit("notebook_check: no notebooks in notebooks/")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    failed = []
    for notebook in notebooks:
        try:
            seconds, checked = run(notebook.resolve(), args.kernel, args.out)
            print(f"ok   {notebook.name} ({seconds:.0f} s{', outputs checked' if checked else ', no checks module'})",
                  flush=True)
        except Exception as e:  # report every notebook, then fail
            failed.append(notebook.name)
            print(f"FAIL {notebook.name}: {type(e).__name__}: {e}", flush=True)
    if failed:
        sys.exit(f"notebook_check: {len(failed)} notebook(s) failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
