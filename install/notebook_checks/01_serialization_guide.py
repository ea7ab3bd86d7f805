"""Checks of notebooks/01-serialization-guide.ipynb (and its zh-CN twin, which has the same code cells and tags)."""
import re

from outputs import cell, html, text

# the ConvNet's state dict as the serialization guide lists it (MegEngine keeps conv biases as (1, C, 1, 1))
GUIDE_KEYS = [
    "conv1.bias (1, 10, 1, 1)",
    "conv1.weight (10, 1, 5, 5)",
    "conv2.bias (1, 20, 1, 1)",
    "conv2.weight (20, 10, 5, 5)",
    "fc1.bias (50,)",
    "fc1.weight (50, 320)",
    "fc2.bias (10,)",
    "fc2.weight (10, 50)",
]


def check(nb):
    train = text(cell(nb, "train"))
    accuracy = float(re.search(r"accuracy on 1,000 test images ([0-9.]+)", train).group(1))
    assert accuracy > 0.6, f"100 training steps should pass 60% accuracy, got {accuracy}"
    assert "PrintStream" not in train, "a printf result leaked into the output"

    assert "eval mode; equal predictions on all 1,000 images: true" in text(cell(nb, "whole-model"))
    untrusted = text(cell(nb, "untrusted"))
    assert "the file holds a whole model of class" in untrusted and "refused unless you trust the class" in untrusted, untrusted

    saved = re.search(r"saved a whole (\S+)", text(cell(nb, "tiny-saved"))).group(1)
    now = re.search(r"Tiny is now (\S+)", text(cell(nb, "tiny-redefined"))).group(1)
    assert saved != now, f"redefining Tiny should give it a new name, both are {saved}"
    renamed = text(cell(nb, "renamed"))
    assert f"the file holds a whole model of class {saved}, but the trusted class is {now}" in renamed, renamed
    assert "renamed or redefined" in renamed and "weights loaded as a state dict: [fc.bias, fc.weight]" in renamed, renamed

    table = re.sub(r"<[^>]+>", " ", html(cell(nb, "state-dict")))
    assert "8 tensors · 21,840 elements" in table, "the rendered state dict table counts the ConvNet's tensors"
    for group in ("conv1", "conv2", "fc1", "fc2"):   # keys are grouped by submodule: 'conv1' then 'bias', 'weight'
        assert re.search(group + r"\s+2 tensors", table), f"the table has no group {group}"
    for key in GUIDE_KEYS:
        name, shape = key.split(" ", 1)
        assert re.search(name.split(".")[1] + r"\s+" + re.escape(shape), table), f"the table has no row {key}"
    keys = [line for line in text(cell(nb, "keys")).splitlines() if line.strip()]
    assert keys == GUIDE_KEYS, f"state dict keys and shapes differ from the guide's: {keys}"
    assert "equal predictions on all 1,000 images after loadStateDict: true" in text(cell(nb, "state-dict-load"))

    opt = text(cell(nb, "optimizer-state"))
    assert "[param_groups, state]" in opt and "momentum=0.9" in opt, opt
    resume = re.search(r"epoch 1, loss at save ([0-9.]+); 20 more steps after resuming: loss ([0-9.]+)",
                       text(cell(nb, "resume")))
    assert resume and 0 < float(resume.group(2)) < 2.5, text(cell(nb, "resume"))

    protocols = re.findall(r"protocol (\d): [\d,]+ bytes, starts 0x80 0x0(\d), 8 tensors back", text(cell(nb, "protocol")))
    assert protocols == [("2", "2"), ("4", "4"), ("5", "5")], protocols

    py = text(cell(nb, "python"))
    assert "no python3 here" in py or "'conv1.bias': ('ndarray', '<f4', (1, 10, 1, 1))" in py, py

    hostile = text(cell(nb, "hostile"))
    assert "RefusedGlobalException: refused to load global 'os.system'" in hostile, hostile
    assert "file 'pwned' exists: false" in hostile, hostile

    dump = text(cell(nb, "dump"))
    assert "inputs=[data], outputs=[SOFTMAX]" in dump, dump
    assert "graph predictions equal to the model's on all 1,000 test images: true" in dump, dump
