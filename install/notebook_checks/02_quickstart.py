"""Checks of notebooks/02-quickstart.ipynb: LeNet learned (test accuracy parsed), and the progress bar, the live
loss curve and the prediction grid were really drawn, with captions that match the printed predictions."""
import base64
import re

from outputs import cell, html, mime, text

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def png(c, what):
    images = mime(c, "image/png")
    assert images, f"{what}: no image/png output"
    raw = base64.b64decode(images[-1])
    assert raw.startswith(b"\x89PNG\r\n\x1a\n") and len(raw) > 2000, f"{what}: not a real PNG ({len(raw)} bytes)"
    return raw


def check(nb):
    d = text(cell(nb, "data"))
    assert "train: (60000, 1, 28, 28) uint8, test: (10000, 1, 28, 28)" in d, d
    png(cell(nb, "data"), "training image grid")
    assert "938 training batches of 64, 20 test batches of 500" in text(cell(nb, "loader"))
    m = text(cell(nb, "model"))
    assert "(conv1): Conv2d(1, 6, kernel_size=(5, 5))" in m and "(classifier): Linear(in_features=84, out_features=10" in m, m
    assert html(cell(nb, "model")), "the model tree has no HTML"

    t = cell(nb, "train")
    bar = html(t) + text(t)
    assert re.search(r"938/938", bar), f"the progress bar did not reach 938/938: {bar[:300]}"
    chart = [o for o in t.outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert chart, "no live loss chart"
    assert re.search(r"loss: batch \(938 points", chart[-1]["data"]["text/plain"]), chart[-1]["data"]["text/plain"]
    png(t, "live loss chart")
    tt = text(t)
    loss = float(re.search(r"running mean of the loss at the end: ([\d.]+)", tt).group(1))
    assert loss < 0.6, f"the loss did not come down: {loss}"

    a = text(cell(nb, "accuracy"))
    acc = float(re.search(r"test accuracy after 1 epoch: ([\d.]+)% of 10000 images", a).group(1))
    assert acc > 80, f"LeNet test accuracy after one epoch {acc}% <= 80%"

    p = cell(nb, "predictions")
    pt = text(p)
    pred = [int(v) for v in re.search(r"predicted: \[([\d, ]+)\]", pt).group(1).split(",")]
    true = [int(v) for v in re.search(r"true:\s+\[([\d, ]+)\]", pt).group(1).split(",")]
    assert len(pred) == len(true) == 24, pt
    wrong = sum(a != b for a, b in zip(pred, true))
    assert f"{wrong} of 24 wrong" in pt, pt
    assert true[:4] == [9, 2, 1, 1], f"the first test labels of Fashion-MNIST are 9, 2, 1, 1, got {true[:4]}"
    png(p, "prediction grid")
    summary = mime(p, "text/plain")[-1]
    assert summary.startswith("[image grid: 24 images") and CLASSES[pred[0]] in summary, summary

    ad = text(cell(nb, "adam"))
    adam = float(re.search(r"Adam: .* test accuracy ([\d.]+)%", ad).group(1))
    assert adam > 80, f"Adam test accuracy {adam}% <= 80%"
