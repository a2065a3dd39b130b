"""Values an authority sets: a values file through Python, as in Rust and WASM."""

from decimal import Decimal

import pytest

import huimin
from conftest import FIXTURES

HEBI = FIXTURES / "policies" / "hebi-2020.yaml"
COUNTY = """pack: hebi-2020
name: { zh: 某县核定, en: Set by a county }
values:
  service_cost_semester: [ { from: 2021-09-01, value: 400.00 } ]
  government_share_percent: [ { from: 2021-09-01, value: 25 } ]
"""


def test_from_yaml_takes_the_values_text() -> None:
    # 400.00, of which the government bears 25 %: 100.00; parents pay 300.00.
    p = huimin.Policy.from_yaml(HEBI.read_text(encoding="utf-8"), "hebi-2020.yaml", values=COUNTY, values_file="county.yaml")
    d = p.evaluate({"stage": "primary"}, as_of="2021-10-01")
    assert d.net_fee == Decimal("300.00")
    assert d.to_dict().get("assumptions") is None


def test_without_values_the_error_names_who_sets_it() -> None:
    p = huimin.Policy.load(HEBI)
    with pytest.raises(huimin.HuiminError) as e:
        p.evaluate({"stage": "primary"}, as_of="2021-10-01")
    err = e.value.to_dict()
    assert err["code"] == "not_set"
    assert err["parameter"] == "service_cost_semester"
    assert err["set_by"]["zh"].startswith("市、县价格主管部门")


def test_a_values_file_for_another_pack_is_a_pack_error_at_its_line() -> None:
    with pytest.raises(huimin.PackError) as e:
        huimin.Policy.from_yaml(HEBI.read_text(encoding="utf-8"), "hebi.yaml", values=COUNTY.replace("hebi-2020", "nanjing-2021"), values_file="v.yaml")
    assert "v.yaml:1:7" in str(e.value)
    assert "these values are for pack `nanjing-2021`, not `hebi-2020`" in str(e.value)
