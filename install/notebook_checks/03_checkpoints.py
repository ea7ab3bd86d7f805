"""Checks of notebooks/03-checkpoints.ipynb: a trainer JVM really killed mid-epoch, resumed from its last saved
epoch with losses equal to an uninterrupted run, keep-best retention recomputed from the printed metrics, a
MegEngine GPU checkpoint refused on the CPU and placed on cpu0 by each form of mapLocation, and a flipped byte
detected by the checksums with a fallback to the previous checkpoint."""
import re

from outputs import cell, html, text

SAVED = re.compile(r"saved epoch (\d+): train loss ([\d.]+), val_loss ([\d.]+)")


def saved(s):
    return [(int(e), t, float(v)) for e, t, v in SAVED.findall(s)]


def check(nb):
    k = text(cell(nb, "kill"))
    before = saved(k)
    assert [e for e, _, _ in before] == [1, 2, 3], f"expected epochs 1-3 saved before the kill: {k}"
    assert "epoch 4 step 40\n-- killed with SIGKILL right after it reported: epoch 4 step 40" in k, k
    assert "exit code 137 (128 + 9: SIGKILL)" in k, f"the trainer was not killed by SIGKILL: {k}"

    a = text(cell(nb, "after-kill"))
    # the kill lands within milliseconds of the report; epoch 4 could only have been saved had the trainer run on
    latest = int(re.search(r"latest: epoch (\d+),", a).group(1))
    assert latest in (3, 4), f"the last finished epoch before the kill must be 3 (or 4 at the latest): {a}"

    r = text(cell(nb, "resume"))
    resumed_part, reference_part = r.split("== uninterrupted run")
    resumed, reference = saved(resumed_part), saved(reference_part)
    assert [e for e, _, _ in reference] == list(range(1, 9)), reference_part
    assert reference[:3] == before, "the first three epochs of both runs must agree"
    best_then = min(reference[:latest], key=lambda e: (e[2], -e[0]))[0]
    assert f"best: epoch {best_then}" in a, a
    assert f"resumed from epoch {latest} (train loss " in resumed_part, resumed_part
    assert [e for e, _, _ in resumed] == list(range(latest + 1, 9)), f"the resumed run must continue at epoch {latest + 1}: {resumed_part}"
    assert resumed == reference[latest:], f"resumed epochs {resumed} differ from the uninterrupted run {reference[latest:]}"
    assert resumed_part.count("exit code 0") == 1 and reference_part.count("exit code 0") == 1, r

    c = text(cell(nb, "compare"))
    l1 = re.search(r"killed and resumed: ([\d.]+)", c).group(1)
    l2 = re.search(r"uninterrupted:\s+([\d.]+)", c).group(1)
    assert l1 == l2 and l1.startswith(resumed[-1][1][:6]), c
    assert "identical: 4 keys" in c, c

    history = reference
    best = min(history, key=lambda e: (e[2], -e[0]))[0]
    keep = sorted({8, best})
    t = text(cell(nb, "retention"))
    listed = [int(e) for e in re.findall(r"ckpt-epoch-(\d{4})\.pkl", t)]
    assert listed == keep, f"keepLast(1) + keepBest(1) should keep epochs {keep}, the folder has {listed}"
    assert f"latest: epoch 8, best: epoch {best}" in t, t

    ld = cell(nb, "load")
    lt = text(ld)
    acc = float(re.search(rf"best checkpoint \(epoch {best}\) on 2000 test images: accuracy ([\d.]+)", lt).group(1))
    assert acc > 0.75, f"the best checkpoint's accuracy {acc} is too low to be a trained model"
    assert "fc1.weight loaded on cpu0:0" in lt, lt
    assert "model_state_dict" in html(ld), "the checkpoint was not drawn"

    g = text(cell(nb, "map-location"))
    assert "python3 gpu_ckpt.py: exit code 0" in g, g
    assert re.search(r"without mapLocation: a MegEngine Tensor saved on device 'gpu0:0' cannot be loaded here: .*"
                     r"mapLocation\(\"cpu0\"\)", g), f"a GPU tensor must be refused on the CPU with a hint: {g}"
    assert "the function was asked about [gpu0:0]; fc.weight is now on cpu0:0" in g, g
    m = re.search(r'with "cpu0":\s+Tensor\(\[\[([^\]]*)\]\s*\[([^\]]*)\]\], device=cpu0:0\)', g)
    assert m and [float(v) for v in (m.group(1) + " " + m.group(2)).split()] == [0, 1, 2, 3, 4, 5], g
    assert re.search(r'with \{"gpu0": "cpu0"\}:\s+cpu0:0', g), g

    co = text(cell(nb, "corrupt"))
    assert "in ckpt-epoch-0008.pkl" in co, co
    assert re.search(r"Mge.load refused it: \S+ckpt-epoch-0008\.pkl is corrupted: tensor '[\w.]+' \(<f4 \[[\d, ]+\].*"
                     r"fails its CRC32C check", co), co
    assert "loaded?!" not in co, co

    f = text(cell(nb, "fallback"))
    previous = max(e for e in keep if e != 8)
    assert f"skipped the damaged epoch 8 and restored epoch {previous}" in f, f
    assert "skipping damaged checkpoint" in f, f"no warning naming the damaged file: {f}"
