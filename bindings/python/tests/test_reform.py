"""Reforms as data (issue 17): a reform file, ``with_parameters``, and ``diff``; amounts by hand
from Wanzhou's rules (3.00 yuan a class-hour, at most 170 a month; the reform: at most 150, and
disabled children waived)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import huimin

from conftest import FIXTURES

REFORM = FIXTURES / "reforms" / "chongqing-wanzhou-2020-cap150.yaml"
AS_OF = "2021-03-01"


def pupil(hours: int, *tags: str) -> dict:
    return {"stage": "primary", "grade": 5, "class_hours": hours, "tags": list(tags)}


def test_a_reform_file_lowers_the_cap_and_waives_disabled_children(wanzhou: huimin.Policy) -> None:
    r = wanzhou.reform(REFORM)
    assert r.id == "chongqing-wanzhou-2020-cap150"
    # 60 × 3.00 = 180 → 170 under the plan, 150 under the reform; 40 × 3.00 = 120 under both.
    assert wanzhou.evaluate(pupil(60), AS_OF).net_fee == Decimal("170.00")
    assert r.evaluate(pupil(60), AS_OF).net_fee == Decimal("150.00")
    assert r.evaluate(pupil(40), AS_OF).net_fee == Decimal("120.00")
    assert r.evaluate(pupil(60, "disabled"), AS_OF).net_fee == Decimal("0.00")


def test_with_parameters_sets_a_value_or_dated_values(wanzhou: huimin.Policy) -> None:
    r = wanzhou.with_parameters({"monthly_cap": 150})
    assert r.id == "chongqing-wanzhou-2020+what-if"
    assert r.evaluate(pupil(60), AS_OF).net_fee == Decimal("150.00")
    later = wanzhou.with_parameters({"monthly_cap": {"2021-09-01": Decimal("140.5")}}, id="later")
    assert later.evaluate(pupil(60), "2021-03-01").net_fee == Decimal("170.00")
    assert later.evaluate(pupil(60), "2021-10-01").net_fee == Decimal("140.50")


def test_a_float_parameter_is_refused(wanzhou: huimin.Policy) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        wanzhou.with_parameters({"monthly_cap": 150.5})


def test_a_bad_reform_raises_with_the_reform_file(wanzhou: huimin.Policy) -> None:
    with pytest.raises(huimin.PackError) as e:
        wanzhou.reform({"id": "x", "name": {"zh": "x", "en": "x"}, "off": ["no_such_rule"]})
    assert e.value.file == "<reform>" and e.value.code == "reform"
    with pytest.raises(huimin.PackError, match="no parameter|monthly_kap"):
        wanzhou.with_parameters({"monthly_kap": 150})


def test_diff_names_the_parameter_and_the_rule(wanzhou: huimin.Policy) -> None:
    d = wanzhou.diff(wanzhou.reform(REFORM))
    changed = {(c["section"], c["id"]): c["change"] for c in d.changes}
    assert changed[("parameters", "monthly_cap")] == "changed"
    assert changed[("reductions", "disabled_waiver")] == "added"
    assert "170元" in d.clauses["fee"]
    assert "~ parameters.monthly_cap" in str(d)


def test_simulate_with_a_reform_file_totals_by_hand(wanzhou: huimin.Policy) -> None:
    people = [pupil(60), pupil(60, "disabled"), pupil(40)]
    s = huimin.simulate(wanzhou, people, reform=wanzhou.reform(REFORM), as_of=AS_OF)
    # 170 + 170 + 120 = 460 today; 150 + 0 + 120 = 270 under the reform.
    assert s.baseline["net_fee"] == Decimal("460.00")
    assert s.reform is not None and s.reform["net_fee"] == Decimal("270.00")
    assert s.difference is not None and s.difference["net_fee"] == Decimal("-190.00")
