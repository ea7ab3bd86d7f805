"""Checks of notebooks/01-serialization-guide.zh-CN.ipynb: the same code cells and tags as the English notebook."""
import importlib.util
import pathlib

_spec = importlib.util.spec_from_file_location(
    "serialization_guide_en", pathlib.Path(__file__).with_name("01_serialization_guide.py"))
_en = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_en)


def check(nb):
    _en.check(nb)
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
    assert headings[0] == "# 保存与加载模型（S&L），用 Java", headings[0]
    assert "## 保存与加载状态字典（推荐）" in headings, headings
