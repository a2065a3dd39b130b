"""The household screener from Python: the same screening as Rust, amounts as Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

import huimin
from conftest import FIXTURES, load


def test_a_child_and_a_grandmother_under_five_programs() -> None:
    # The Rust test's household and programs (crates/huimin-core/tests/screen.rs): Wanzhou
    # 0.00 (170.00 waived), Jilin 40.00 (half off for a poor family), Nanjing 0.00 with the
    # district's 250.00, Shenzhen 500.00 for the grandmother, Tong'an not eligible.
    ids = ["chongqing-wanzhou-2020", "jilin-district-2020", "nanjing-2021", "shenzhen-homecare", "tongan-family-bed"]
    registry = huimin.Registry.of(load(i) for i in ids)
    assert registry.ids == ids
    s = huimin.screen(
        {"id": "wang", "members": [
            {"id": "child", "stage": "primary", "grade": 3, "class_hours": 60, "tags": ["dibao"]},
            {"id": "grandma", "age": 72, "local_hukou": True, "self_care": "partly_disabled", "family_caregiver": False, "tags": ["dibao"]},
        ]},
        "2022-09-01",
        registry,
    )
    got = [(l["member"], l["pack"], l["outcome"]["status"], l["outcome"].get("net_fee"), l["outcome"].get("subsidy_total")) for l in s["lines"]]
    assert got == [
        ("child", "chongqing-wanzhou-2020", "eligible", Decimal("0.00"), Decimal("0.00")),
        ("child", "jilin-district-2020", "eligible", Decimal("40.00"), Decimal("0.00")),
        ("child", "nanjing-2021", "eligible", Decimal("0.00"), Decimal("250.00")),
        ("grandma", "shenzhen-homecare", "eligible", Decimal("0.00"), Decimal("500.00")),
        ("grandma", "tongan-family-bed", "not_eligible", None, None),
    ]
    # 12 × 40.00 from the family; Shenzhen's fund 12 × 500.00.
    jilin = next(l for l in s["lines"] if l["pack"] == "jilin-district-2020")
    assert jilin["outcome"]["net_fee_per_year"] == Decimal("480.00")
    assert s["family_pays_per_year"] == Decimal("480.00")
    assert s["per_year_by_payer"]["shenzhen-homecare.lottery_fund"] == Decimal("6000.00")
    only = registry.screen({"members": [{"age": 72, "local_hukou": True, "self_care": "able", "tags": ["sanwu"]}]}, "2022-09-01", where="深圳")
    assert [(l["pack"], l["outcome"]["subsidy_total"]) for l in only["lines"]] == [("shenzhen-homecare", Decimal("300.00"))]


def test_a_directory_with_its_example_values_and_a_bad_household() -> None:
    registry = huimin.Registry.load(FIXTURES / "policies", values=FIXTURES / "values")
    assert "hebi-2020" in registry.ids
    s = registry.screen({"members": [{"stage": "primary"}]}, "2022-09-01", where="鹤壁")
    # Hebi's example deployment: 360.00 a semester, half from the government → 180.00.
    assert [(l["pack"], l["outcome"]["net_fee"]) for l in s["lines"]] == [("hebi-2020", Decimal("180.00"))]
    with pytest.raises(huimin.InputError) as e:
        registry.screen({"members": [{"stage": "primary", "shoe_size": 30}]}, "2022-09-01")
    assert e.value.errors[0]["path"] == "members[0].shoe_size"
