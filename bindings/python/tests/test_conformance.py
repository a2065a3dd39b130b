"""Every case in fixtures/cases/ through the Python binding, checked field by field to the fen:
the same contract and matching rule as crates/huimin-core/tests/conformance.rs."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, List

import pytest

import huimin

from conftest import FIXTURES, load

ONLY = os.environ.get("HUIMIN_CASES", "")


def _cases() -> List[Any]:
    root = FIXTURES / "cases"
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(ONLY)):
        for f in sorted(d.glob("*.json")):
            out.append(pytest.param(d.name, f, id=f"{d.name}/{f.name}"))
    return out


CASES = _cases()


def _plain(v: Any) -> Any:
    """Decision data as JSON scalars: a Decimal compares by its exact text ("170.00"), a date
    by its ISO form."""
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def matches(expected: Any, actual: Any, path: str, diffs: List[str]) -> None:
    """Every key of an expected object must match; arrays have equal lengths and match item by
    item; other values are equal (fixtures/README.md)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k, ev in expected.items():
            if k in actual:
                matches(ev, actual[k], f"{path}.{k}", diffs)
            else:
                diffs.append(f"{path}.{k}: missing in the result")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            diffs.append(f"{path}: expected {len(expected)} items, got {len(actual)}: {actual!r}")
        else:
            for i, (ev, av) in enumerate(zip(expected, actual)):
                matches(ev, av, f"{path}[{i}]", diffs)
    else:
        a = _plain(actual)
        # JSON numbers: 1 == 1.0, but a bool is never a number.
        same = a == expected and isinstance(a, bool) == isinstance(expected, bool)
        if not same:
            diffs.append(f"{path}: expected {json.dumps(expected, ensure_ascii=False)}, got {a!r}")


def test_cases_exist() -> None:
    assert CASES, f"no cases under {FIXTURES / 'cases'}"


@pytest.mark.parametrize("pack_id,case_file", CASES)
def test_case(pack_id: str, case_file: Path) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    assert case.get("note"), "every case needs a `note` with the arithmetic"
    assert ("expected" in case) != ("expected_error" in case), "a case needs exactly one of `expected` and `expected_error`"
    policy = load(pack_id, case.get("values"))
    diffs: List[str] = []
    try:
        decision = policy.evaluate(case["participant"], as_of=case["as_of"])
    except huimin.HuiminError as e:
        if "expected_error" not in case:
            pytest.fail(f"unexpected error: {e}")
        matches(case["expected_error"], e.to_dict(), "", diffs)
        assert e.kind == case["expected_error"].get("kind", e.kind)
    else:
        if "expected" not in case:
            pytest.fail(f"expected an error, got net fee {decision.net_fee} subsidy {decision.subsidy_total}")
        # The Python view (Decimal money) and the core's JSON text must both match.
        matches(case["expected"], decision.to_dict(), "", diffs)
        matches(case["expected"], json.loads(decision.to_json()), "", diffs)
        for k in ("gross_fee", "reduction_total", "net_fee", "subsidy_total"):
            assert isinstance(getattr(decision, k), Decimal)
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("pack_id,case_file", CASES)
def test_case_through_a_frame(pack_id: str, case_file: Path) -> None:
    """The same case as a one-row pyarrow table: the frame path agrees with the JSON path."""
    pa = pytest.importorskip("pyarrow")
    case = json.loads(case_file.read_text(encoding="utf-8"))
    policy = load(pack_id, case.get("values"))
    participant = dict(case["participant"])
    if not isinstance(participant.get("tags", []), list):
        pytest.skip("tags given as a non-list")
    try:
        want: Any = policy.evaluate(participant, as_of=case["as_of"], explain=False)
    except huimin.HuiminError as e:
        want = e
    schema = policy.input_schema()
    # A key named after a tag is a tag column in a frame (as it is a tag key in JSON).
    names = {f["name"] for f in schema["fields"]} | {t["id"] for t in schema["tags"]} | {"id", "tags"}
    if any(k not in names for k in participant):
        pytest.skip("a key neither input nor tag: JSON reports it for the row, a frame refuses the column")
    cols = {k: [v] for k, v in participant.items()}
    if any(isinstance(v[0], (dict, list)) and k != "tags" for k, v in cols.items()):
        pytest.skip("nested value")
    if "tags" in cols:
        cols["tags"] = [[str(t) for t in cols["tags"][0]]] if all(isinstance(t, str) for t in cols["tags"][0]) else None  # type: ignore[list-item]
        if cols["tags"] is None:
            pytest.skip("non-string tags")
    try:
        table = pa.table(cols) if cols else pa.table({"_": [0]})
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pytest.skip("mixed types in one cell")
    required_missing = [f["name"] for f in policy.input_schema()["fields"] if f["required"] and f["name"] not in cols]
    if required_missing:
        with pytest.raises(huimin.InputError):
            policy.evaluate_frame(table, as_of=case["as_of"], floats="shortest")
        return
    # JSON numbers with a fraction arrive as Python floats: read by their shortest text, as JSON is
    row = policy.evaluate_frame(table, as_of=case["as_of"], floats="shortest").to_pylist()[0]
    if isinstance(want, huimin.HuiminError):
        assert row["error"] == str(want)
        assert row["eligible"] is None
    else:
        assert row["error"] is None
        assert row["eligible"] == want.eligible
        assert row["category"] == want.category
        assert row["priority_groups"] == want.priority_groups
        for k in ("gross_fee", "reduction_total", "net_fee", "subsidy_total"):
            assert row[k] == getattr(want, k), k
        for p, amount in want.payers.items():
            assert row[f"payer_{p}"] == amount, p
