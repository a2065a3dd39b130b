"""examples/analyst.ipynb is committed with its outputs; run again headless, it must print the
same thing cell by cell, so what a reader sees there is what the code does."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any, List

import pytest

from conftest import TIMINGS

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "analyst.ipynb"


def printed(nb: Any) -> List[str]:
    """Each code cell's printed output: standard output, results as text, `<image>` for a chart
    (pixels depend on the fonts installed), errors by name; warnings on stderr are left out."""
    cells = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        parts = []
        for o in c.get("outputs", []):
            kind = o.get("output_type")
            if kind == "stream" and o.get("name") == "stdout":
                parts.append(o["text"])
            elif kind in ("execute_result", "display_data"):
                data = o.get("data", {})
                parts.append("<image>" if "image/png" in data else data.get("text/plain", ""))
            elif kind == "error":
                parts.append(f"ERROR {o.get('ename')}: {o.get('evalue')}")
        cells.append("".join(parts))
    return cells


def test_analyst_notebook_reproduces_its_committed_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert any(printed(committed)), "the notebook is committed with its outputs"
    nb = copy.deepcopy(committed)
    t = time.perf_counter()
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    TIMINGS.append(f"examples/analyst.ipynb executed in {time.perf_counter() - t:.1f} s")
    now, then = printed(nb), printed(committed)
    for k, (a, b) in enumerate(zip(now, then)):
        assert a == b, f"code cell {k}: the output differs from the committed one\n--- now\n{a}\n--- committed\n{b}"
    assert len(now) == len(then)
    assert sum(p.count("<image>") for p in now) == 3, "the change, distribution and budget charts"
