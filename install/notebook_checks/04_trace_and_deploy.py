"""Checks of notebooks/04-trace-and-deploy.ipynb."""
import re

from outputs import cell, html, text


def check(nb):
    accuracy = float(re.search(r"eager accuracy on 1,000 test images: ([0-9.]+)", text(cell(nb, "train"))).group(1))
    assert accuracy > 0.7, f"200 training steps should pass 70% accuracy, got {accuracy}"

    dump = text(cell(nb, "dump"))
    traced = re.search(r"as traced:  \[(.*)\]", dump).group(1).split(", ")
    optimised = re.search(r"optimised:  \[(.*)\]", dump).group(1).split(", ")
    assert "relu" in traced and "conv2d+relu" in optimised and "relu" not in optimised, dump
    assert len(optimised) < len(traced), dump
    assert "inputs=[data], outputs=[SOFTMAX]" in dump, dump

    assert "input  data" in text(cell(nb, "graph")) and "output SOFTMAX" in text(cell(nb, "graph"))
    run = re.search(r"max \|difference\| (\S+), equal predictions (\d+) of 1000", text(cell(nb, "graph-run")))
    assert float(run.group(1)) <= 1e-5 and run.group(2) == "1000", text(cell(nb, "graph-run"))

    assert "Added onnxruntime" in text(cell(nb, "maven")), text(cell(nb, "maven"))
    ort = re.search(r"ONNX Runtime (\S+) vs eager: max \|difference\| (\S+), equal predictions (\d+) of 1000",
                    text(cell(nb, "ort")))
    assert ort and float(ort.group(2)) <= 1e-5 and ort.group(3) == "1000", text(cell(nb, "ort"))

    speed = text(cell(nb, "speed"))
    rows = re.findall(r"batch (\d+): eager ([0-9.]+) ms, graph ([0-9.]+) ms, ORT ([0-9.]+) ms", speed)
    assert [r[0] for r in rows] == ["1", "64"], speed
    eager1, graph1 = float(rows[0][1]), float(rows[0][2])
    assert graph1 * 1.5 <= eager1, f"the dumped graph should be at least 1.5x faster than eager at batch 1: {speed}"
    assert "<table>" in html(cell(nb, "speed")), "the timing table is shown as HTML"
