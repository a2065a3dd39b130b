"""The shared fixture of bad inputs (fixtures/ffi/bad-inputs.json): each gives exactly the stated
input error through the binding — the same code, path and zh/en message as in Rust and WASM."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

import huimin

from conftest import FIXTURES, load

CASES: List[Dict[str, Any]] = json.loads((FIXTURES / "ffi" / "bad-inputs.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_gives_the_stated_error(case: Dict[str, Any]) -> None:
    policy = load(case["pack"])
    with pytest.raises(huimin.InputError) as info:
        policy._core.evaluate_json(case["participant"], case["as_of"])
    assert info.value.kind == "input"
    assert info.value.errors == case["errors"]
    # validate reports the participant's own problems, the same way
    valid = json.loads(policy._core.validate_json(case["participant"]))
    assert valid == [e for e in case["errors"] if e["path"] != "as_of"]


def test_a_bad_as_of_is_an_input_error_everywhere(wanzhou: huimin.Policy) -> None:
    bad = next(c for c in CASES if c["as_of"] == "March 2021")
    with pytest.raises(huimin.InputError) as info:
        wanzhou.evaluate(json.loads(bad["participant"]), as_of="March 2021")
    assert info.value.errors == bad["errors"]
    pa = pytest.importorskip("pyarrow")
    frame = pa.table({"stage": ["primary"], "grade": [3], "class_hours": [60]})
    with pytest.raises(huimin.InputError) as info2:
        wanzhou.evaluate_frame(frame, as_of="March 2021")
    assert info2.value.errors == bad["errors"]
