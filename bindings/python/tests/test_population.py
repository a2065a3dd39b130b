"""Population runs by group, with weights and a reform (issue 17): every total computed by hand
from Wanzhou's rules (3.00 yuan a class-hour, at most 170 a month, 低保 waived) and the reform
fixtures/reforms/chongqing-wanzhou-2020-cap150.yaml (at most 150, disabled children waived).

    id district stage   grade hours tags     weight  today  reform
    a  东区     primary 5     60              1.5     170    150
    b  东区     primary 5     60    disabled  2       170      0
    c  西区     primary 5     40              1       120    120
    d  西区     primary 5     60    dibao     3         0      0
    e  西区     junior  8     50              0.25    150    150
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import huimin

from conftest import FIXTURES

pa = pytest.importorskip("pyarrow")
AS_OF = "2021-03-01"


def registry() -> Any:
    return pa.table(
        {
            "id": ["a", "b", "c", "d", "e"],
            "district": ["东区", "东区", "西区", "西区", "西区"],
            "stage": ["primary"] * 4 + ["junior"],
            "grade": [5, 5, 5, 5, 8],
            "class_hours": [60, 60, 40, 60, 50],
            "tags": [[], ["disabled"], [], ["dibao"], []],
            "weight": pa.array([Decimal("1.5"), Decimal("2"), Decimal("1"), Decimal("3"), Decimal("0.25")], pa.decimal128(10, 2)),
        }
    )


@pytest.fixture(scope="module")
def reform(wanzhou: huimin.Policy) -> huimin.Policy:
    return wanzhou.reform(FIXTURES / "reforms" / "chongqing-wanzhou-2020-cap150.yaml")


def test_weighted_totals_by_district_add_up_to_the_whole(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    s = huimin.simulate(wanzhou, registry(), reform=reform, by="district", weight="weight", as_of=AS_OF)
    # Today: 1.5×170 + 2×170 + 120 + 0 + 0.25×150 = 752.50; the reform: 1.5×150 + 120 + 0.25×150 = 382.50.
    assert s.baseline["net_fee"] == Decimal("752.50")
    assert s.reform is not None and s.reform["net_fee"] == Decimal("382.50")
    assert s.difference is not None and s.difference["net_fee"] == Decimal("-370.00")
    assert s.baseline["participants"] == Decimal("7.75")
    f = s.frame.to_pandas() if hasattr(s.frame, "to_pandas") else s.frame
    net = f[(f.measure == "net_fee")].set_index(["district", "scenario"])["value"]
    assert net[("东区", "chongqing-wanzhou-2020")] == Decimal("595.00")
    assert net[("东区", "chongqing-wanzhou-2020-cap150")] == Decimal("225.00")
    assert net[("西区", "chongqing-wanzhou-2020")] == Decimal("157.50")
    assert net[("西区", "chongqing-wanzhou-2020-cap150")] == Decimal("157.50")
    # The groups add up exactly to the whole, in every scenario.
    for scenario, total in (("chongqing-wanzhou-2020", s.baseline), ("chongqing-wanzhou-2020-cap150", s.reform)):
        assert sum(net[(d, scenario)] for d in ("东区", "西区")) == total["net_fee"]
    disabled = f[(f.measure == "priority:disabled") & (f.scenario == "chongqing-wanzhou-2020")].set_index("district")["value"]
    assert disabled["东区"] == Decimal("2")


def test_winners_and_losers_by_district(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    s = huimin.simulate(wanzhou, registry(), reform=reform, by=["district"], weight="weight", as_of=AS_OF)
    c = s.changes
    c = c.to_pandas() if hasattr(c, "to_pandas") else c
    east = c[c.district == "东区"].iloc[0]
    # a pays 20 less (weight 1.5), b 170 less (weight 2): −30 − 340 = −370.00 over 3.5.
    assert east["winners"] == Decimal("3.5") and east["losers"] == 0 and east["unchanged"] == 0
    assert east["net_fee_change"] == Decimal("-370.00")
    assert east["mean_net_fee_change"] == Decimal("-105.71")  # −370 / 3.5 = −105.714…
    west = c[c.district == "西区"].iloc[0]
    assert west["unchanged"] == Decimal("4.25") and west["winners"] == 0
    assert west["net_fee_change"] == Decimal("0.00")


def test_unweighted_counts_are_whole_numbers_and_reforms_run_together(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    cap160 = wanzhou.with_parameters({"monthly_cap": 160}, id="cap160")
    s = huimin.simulate(wanzhou, registry(), reforms=[reform, cap160], as_of=AS_OF, extra="ignore")
    assert s.baseline["participants"] == 5 and isinstance(s.baseline["participants"], int)
    # Unweighted: 170 + 170 + 120 + 0 + 150 = 610; cap 150 and waiver: 150 + 0 + 120 + 0 + 150 = 420;
    # cap 160: 160 + 160 + 120 + 0 + 150 = 590.
    assert [r["net_fee"] for r in [s.baseline, *s.reforms]] == [Decimal("610.00"), Decimal("420.00"), Decimal("590.00")]


def test_a_bad_weight_is_a_counted_row_error(wanzhou: huimin.Policy) -> None:
    t = registry().set_column(6, "weight", pa.array(["1.5", "-2", None, "3", "0.0000001"]))
    s = huimin.simulate(wanzhou, t, weight="weight", as_of=AS_OF, extra="ignore")
    b = s.baseline
    assert b["rows"] == 5 and b["errors"] == 3
    assert b["net_fee"] == Decimal("255.00")  # a: 1.5 × 170; d is waived (3 × 0)
    assert any("negative" in e for e in b["first_errors"])
    assert any("decimal places" in e for e in b["first_errors"])


def test_as_of_is_required_and_a_missing_by_column_is_an_error(wanzhou: huimin.Policy) -> None:
    with pytest.raises(TypeError, match="as_of"):
        huimin.simulate(wanzhou, registry())
    with pytest.raises(huimin.InputError, match="school"):
        huimin.simulate(wanzhou, registry(), by="school", as_of=AS_OF, extra="ignore")


def test_streams_and_lazy_frames(wanzhou: huimin.Policy, tmp_path: Any) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    ds = pytest.importorskip("pyarrow.dataset")
    pl = pytest.importorskip("polars")
    pq.write_table(registry(), tmp_path / "r.parquet")
    a = huimin.simulate(wanzhou, ds.dataset(tmp_path / "r.parquet"), by="district", weight="weight", as_of=AS_OF)
    b = huimin.simulate(wanzhou, pl.scan_parquet(tmp_path / "r.parquet"), by="district", weight="weight", as_of=AS_OF)
    c = huimin.simulate(wanzhou, registry().to_reader(max_chunksize=2), by="district", weight="weight", as_of=AS_OF)
    assert a.baseline["net_fee"] == b.baseline["net_fee"] == c.baseline["net_fee"] == Decimal("752.50")


def test_per_participant_rows_carry_kept_columns_and_the_change(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    pd = pytest.importorskip("pandas")
    s = huimin.simulate(wanzhou, registry().to_pandas(), reform=reform, weight="weight", keep=["district"], rows=True, as_of=AS_OF)
    r = s.rows
    assert isinstance(r, pd.DataFrame)
    assert list(r.columns) == ["id", "district", "eligible", "net_fee", "subsidy_total", "eligible_r1", "net_fee_r1", "subsidy_total_r1", "net_fee_change_r1", "error"]
    assert list(r["district"]) == ["东区", "东区", "西区", "西区", "西区"]
    assert list(r["net_fee_change_r1"]) == [Decimal("-20.00"), Decimal("-170.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")]


def test_change_charts(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    s = huimin.simulate(wanzhou, registry(), reform=reform, by="district", weight="weight", rows=True, as_of=AS_OF)
    ax = huimin.plot.change_by_group(s)
    # 东区 −370.00, 西区 0.00 (see the table above).
    assert [p.get_height() for p in ax.patches] == [-370.0, 0.0]
    ax2 = huimin.plot.change_distribution(s, bins=5)
    assert sum(p.get_height() for p in ax2.patches) == 5  # every pupil is eligible under both
    plain = huimin.simulate(wanzhou, registry(), reform=reform, as_of=AS_OF, extra="ignore")
    with pytest.raises(ValueError, match="by="):
        huimin.plot.change_by_group(plain)
    with pytest.raises(ValueError, match="rows=True"):
        huimin.plot.change_distribution(plain)


def test_grouping_by_outcome_shares_the_population_out(wanzhou: huimin.Policy) -> None:
    s = huimin.simulate(wanzhou, registry(), by=["district", "@priority"], weight="weight", as_of=AS_OF)
    rows = s.frame.to_pylist()  # a pyarrow table in, a pyarrow table out
    got = {(r["district"], r["@priority"]): r["value"] for r in rows if r["measure"] == "net_fee"}
    # a (no group) 1.5 × 170; b (disabled) 2 × 170; c, e (no group) 120 + 0.25 × 150; d (dibao) waived.
    assert got == {
        ("东区", None): Decimal("255.00"),
        ("东区", "disabled"): Decimal("340.00"),
        ("西区", None): Decimal("157.50"),
        ("西区", "dibao"): Decimal("0.00"),
    }
    assert sum(got.values()) == s.baseline["net_fee"]
