"""Helpers for notebook checks: read what an executed notebook's cells showed."""


def _cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def errors(nb):
    """Error outputs of every cell, as 'ename: evalue' strings."""
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in _cells(nb) for o in c.get("outputs", [])
            if o.output_type == "error"]


def cell(nb, tag):
    """The code cell carrying this tag (metadata.tags), so checks survive cells being added or moved."""
    found = [c for c in _cells(nb) if tag in c.get("metadata", {}).get("tags", [])]
    assert len(found) == 1, f"expected one cell tagged {tag!r}, found {len(found)}"
    return found[0]


def text(c):
    """Everything a cell printed or returned as text/plain."""
    parts = []
    for o in c.get("outputs", []):
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type in ("execute_result", "display_data"):
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def html(c):
    """The text/html outputs of a cell, joined."""
    return "".join(o.get("data", {}).get("text/html", "") for o in c.get("outputs", [])
                   if o.output_type in ("execute_result", "display_data"))


def mime(c, kind):
    """Every output of a cell with this MIME type."""
    return [o["data"][kind] for o in c.get("outputs", [])
            if o.output_type in ("execute_result", "display_data") and kind in o.get("data", {})]
