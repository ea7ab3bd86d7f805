"""Checks of notebooks/00-tensors-and-autodiff.ipynb: the values it printed are recomputed here from its inputs."""
import math
import re

from outputs import cell, html, text

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def tensors(s):
    """The values of every MegEngine repr 'Tensor([...], ...)' in s, flattened, in order."""
    found = []
    for m in re.finditer(r"Tensor\((\[[^A-Za-z]*?\])(?:, dtype=\w+)?, device=", s):
        found.append([float(v) for v in re.findall(NUMBER, m.group(1))])
    return found


def line_after(s, label):
    m = re.search(re.escape(label) + r"\s*(.*)", s)
    assert m, f"no line with {label!r} in:\n{s}"
    return m.group(1).strip()


def close(a, b, tol):
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b))


def check(nb):
    c = text(cell(nb, "create"))
    assert "shape (2, 3), ndim 2, size 6, dtype float32, device cpu0:0" in c, c
    assert "has dtype int32" in c, c
    assert tensors(c)[0] == [1, 2, 3, 4, 5, 6], c
    assert "<table" in html(cell(nb, "create")) or "<div" in html(cell(nb, "create")), "the tensor was not drawn as HTML"

    v = text(cell(nb, "views"))
    t = tensors(v)
    assert t[0] == [float(i) for i in range(12)], v
    assert t[1] == [1, 2, 5, 6, 9, 10], f"r[:, 1:3] wrong: {t[1]}"
    assert "r.reshape(2, -1) has shape (2, 6)" in v and "r.transpose(1, 0) has shape (4, 3)" in v, v
    assert "r.sum() = 66.0" in v and t[2] == [4, 5, 6, 7] and t[3] == [3, 7, 11], v

    b = text(cell(nb, "broadcast"))
    assert "(3, 1) + (1, 4) -> (3, 4)" in b, b
    table, scaled = tensors(b)[:2]
    expected = [10.0 * i + j for i in range(3) for j in range(4)]
    assert table == expected, f"broadcast table {table} != {expected}"
    assert scaled == [(e - 1) * 2 for e in expected], f"(table - 1) * 2 gave {scaled}"

    e = text(cell(nb, "broadcast-error"))
    assert "shapes (3, 4) and (2, 4) cannot be broadcast together" in e, e

    g = text(cell(nb, "grad"))
    x, w = [1.0, 2.0, 3.0], [0.5, -1.0, 2.0]
    assert float(line_after(g, "y         =")) == sum(wi * xi + wi * wi for wi, xi in zip(w, x)), g
    grad_w, by_hand = tensors(g)[:2]
    expected = [xi + 2 * wi for xi, wi in zip(x, w)]
    assert grad_w == expected, f"w.grad() {grad_w} != x + 2w = {expected}"
    assert by_hand == expected, g
    assert line_after(g, "x.grad()  =") == "null", "x is not attached, so it must have no gradient"

    ch = text(cell(nb, "grad-chain"))
    auto = [float(s) for s in re.findall(NUMBER, line_after(ch, "autodiff:"))]
    sig = [1 / (1 + math.exp(-v)) for v in (-1.0, 0.0, 2.0)]
    hand = [2 / 3 * s * s * (1 - s) for s in sig]
    assert close(auto, hand, 1e-6), f"autodiff {auto} != chain rule {hand}"

    r = text(cell(nb, "grad-rules"))
    assert float(line_after(r, "after backward 1: p.grad() =")) == 2 * 3, r
    assert float(line_after(r, "after backward 2: p.grad() =")) == 2 * (2 * 3), "gradients must accumulate: " + r
    assert line_after(r, "unused.grad() =") == "null", r
    assert "second backward: no computation history" in r, r

    k = text(cell(nb, "backend"))
    assert re.search(r"Backend\s+nd4j-", k) and re.search(r"Device\s+\w+0", k), k

    d = text(cell(nb, "devices"))
    default = line_after(d, "default device (xpux):")
    assert default in ("cpu0:0", "gpu0:0"), d
    assert "a.to(\"cpu0\") == a: true" in d, d
    assert line_after(d, "a.to(\"xpux\") is on") == default, d
    if default == "cpu0:0":
        assert "a.to(\"gpu0\"): device 'gpu0' needs the CUDA backend" in d and "use cpu0" in d, d
    assert "PyTorch's 'cuda:0' is MegEngine's gpu0" in d, d
