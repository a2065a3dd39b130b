"""`Policy.evaluate` hands a dict of plain values to the core without JSON text, and keeps the
decision on the Rust side until a field other than a total is read. Both paths must give the
same decision, and the same error, as the JSON text path (`Policy.evaluate_json`)."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from typing import Any, Dict

import pytest

import huimin
from huimin import Decision
from huimin._policy import _participant_json

AS_OF = "2021-03-01"


def by_text(p: huimin.Policy, person: Dict[str, Any], explain: bool = True) -> Decision:
    """The decision through the JSON text path."""
    return Decision(p._core.evaluate_json(_participant_json(person), AS_OF, explain))


PEOPLE = [
    # 3.00 × 60 = 180, capped at 170; 低保 waives it all.
    {"stage": "primary", "grade": 3, "class_hours": 60, "tags": ["dibao"]},
    # 3.00 × 12.5 = 37.50 (a float read as the text json.dumps writes).
    {"id": "f", "stage": "junior", "grade": 8, "class_hours": 12.5},
    # A NaN at the top level is a blank (null), as in the text path: grade is then missing.
    {"stage": "primary", "grade": float("nan"), "class_hours": 3},
    # A tuple of tags reads as a list.
    {"id": 7, "stage": "primary", "grade": 2, "class_hours": 1, "tags": ("left_behind", "migrant")},
]


@pytest.mark.parametrize("person", PEOPLE)
def test_the_plain_path_decides_as_the_text_path(wanzhou: huimin.Policy, person: Dict[str, Any]) -> None:
    for explain in (False, True):
        try:
            want = by_text(wanzhou, person, explain).to_json()
        except huimin.HuiminError as e:
            with pytest.raises(type(e)) as info:
                wanzhou.evaluate(person, AS_OF, explain=explain)
            assert info.value.to_dict() == e.to_dict()
            continue
        got = wanzhou.evaluate(person, AS_OF, explain=explain)
        assert json.loads(got.to_json()) == json.loads(want)


def test_totals_are_read_without_the_json_and_exact(wanzhou: huimin.Policy) -> None:
    d = wanzhou.evaluate({"stage": "junior", "grade": 8, "class_hours": 12.5}, AS_OF, explain=False)
    # Read before anything else: 3.00 × 12.5 = 37.50, no reduction, nothing paid by others.
    assert d.net_fee == Decimal("37.50") and str(d.net_fee) == "37.50"
    assert d.gross_fee == Decimal("37.50") and d.reduction_total == Decimal("0.00")
    assert d.subsidy_total == Decimal("0.00") and d.eligible is True
    # Then every other field, filled from the core's JSON on first need.
    assert d.payers == {"parents": Decimal("37.50")}
    assert d.steps == [] and d.priority_groups == []
    assert pickle.loads(pickle.dumps(d)) == d
    assert d == by_text(wanzhou, {"stage": "junior", "grade": 8, "class_hours": 12.5}, explain=False)


def test_values_the_plain_path_does_not_convert_take_the_text_path(wanzhou: huimin.Policy) -> None:
    # A Decimal, an int beyond 64 bits and a key that is not a str: the JSON text path reads
    # them (the Decimal exactly; the huge number is out of range; the int key is written "1").
    d = wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": Decimal("10.25")}, AS_OF)
    assert d.net_fee == Decimal("30.75")  # 3.00 × 10.25
    with pytest.raises(huimin.InputError) as info:
        wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": 10**40}, AS_OF)
    assert info.value.field == "class_hours"
    with pytest.raises(huimin.InputError) as info2:
        wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": 1, 1: 2}, AS_OF)
    assert "1" in info2.value.fields


def test_bad_values_give_the_same_errors_on_both_paths(wanzhou: huimin.Policy) -> None:
    bad = [
        {"stage": "primary", "grade": 3, "class_hours": -1},
        {"stage": "primary", "class_hours": 1, "tags": ["dibo"]},
        {"stage": "primary", "grade": "three", "class_hours": 1},
        {"stage": "primary", "grade": 3, "class_hours": [1]},
        {"stage": "primary", "grade": 3, "class_hours": 1, "tags": [1]},
        {"stage": "primary", "grade": 3, "class_hours": 1, "nested": {"a": None}},
    ]
    for person in bad:
        with pytest.raises(huimin.InputError) as want:
            by_text(wanzhou, person)
        with pytest.raises(huimin.InputError) as got:
            wanzhou.evaluate(person, AS_OF)
        assert got.value.to_dict() == want.value.to_dict(), person
        assert str(got.value) == str(want.value)
