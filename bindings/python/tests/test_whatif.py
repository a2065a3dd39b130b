"""What would change (issue 20) through the Python binding: every case of fixtures/whatif/ gives,
to the letter, the answer the Rust suite checked by hand (fixtures/whatif/answers/), and bad
requests raise the same error codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

import pytest

import huimin

from conftest import FIXTURES, load


def _cases() -> List[Any]:
    out = []
    for f in sorted((FIXTURES / "whatif").glob("*.json")):
        spec = json.loads(f.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            out.append(pytest.param(spec, case, id=f"{spec['pack']}/{case['id']}"))
    return out


@pytest.mark.parametrize("spec,case", _cases())
def test_case_gives_the_shared_answer(spec: Any, case: Any) -> None:
    policy = load(spec["pack"], spec.get("values"))
    answers = json.loads((FIXTURES / "whatif" / "answers" / f"{spec['pack']}.json").read_text(encoding="utf-8"))
    if "what_if" in case:
        got = policy.what_would_change(
            case["participant"], case["as_of"], case["what_if"], max_changes=case.get("max_changes")
        )
    else:
        got = policy.evaluate_partial(case["participant"], case["as_of"], case["partial"])
    assert got == answers[case["id"]]


def test_wanzhou_sixty_hours_in_plain_words(wanzhou: huimin.Policy) -> None:
    w = wanzhou.what_would_change({"stage": "primary", "grade": 3, "class_hours": 60}, "2021-03-01")
    first = w["suggestions"][0]
    assert first["changes"][0]["to"] == "56"
    assert first["then"]["net_fee"] == "168.00"
    assert "56 或以下" in first["says"]["zh"]
    part = wanzhou.evaluate_partial({"stage": "primary", "grade": 3}, "2021-03-01")
    assert (part["net_fee"]["min"], part["net_fee"]["max"]) == ("0.00", "170.00")
    assert part["still_matter"] == ["class_hours"]


def test_bad_requests_raise_input_errors(wanzhou: huimin.Policy) -> None:
    kid = {"stage": "primary", "grade": 3, "class_hours": 60}
    with pytest.raises(huimin.InputError) as info:
        wanzhou.what_would_change(kid, "2021-03-01", "pay_mor")
    assert info.value.errors[0]["code"] == "unknown_goal"
    with pytest.raises(huimin.InputError) as info2:
        wanzhou.what_would_change(kid, "2021-03-01", "pay_less", max_changes=9)
    assert info2.value.errors[0]["path"] == "max_changes"
    with pytest.raises(huimin.InputError) as info3:
        wanzhou.evaluate_partial(kid, "2021-03-01", ["nonsense"])
    assert info3.value.errors[0]["path"] == "unknown[0]"
