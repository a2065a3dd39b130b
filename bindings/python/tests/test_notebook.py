"""examples/analyst.ipynb runs headless, so it cannot rot."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import TIMINGS

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "analyst.ipynb"


def test_analyst_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    t = time.perf_counter()
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    TIMINGS.append(f"examples/analyst.ipynb executed in {time.perf_counter() - t:.1f} s")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "the notebook should draw the budget chart"
