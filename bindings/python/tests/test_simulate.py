"""Population budgets, reforms, and the chart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, List

import pytest

import huimin

from conftest import WANZHOU, load

pa = pytest.importorskip("pyarrow")
AS_OF = "2021-03-01"


@pytest.fixture(scope="module")
def reform(wanzhou: huimin.Policy) -> huimin.Policy:
    return wanzhou.with_parameters({"monthly_cap": 150})


@pytest.fixture(scope="module")
def people(wanzhou: huimin.Policy) -> Any:
    return huimin.synthetic(wanzhou, 5000, seed=3)


def test_totals_equal_the_sum_of_decisions(wanzhou: huimin.Policy, people: Any) -> None:
    s = huimin.simulate(wanzhou, people, as_of=AS_OF)
    rows = wanzhou.evaluate_frame(people, as_of=AS_OF).to_pylist()
    ok = [r for r in rows if r["eligible"]]
    b = s.baseline
    assert b["participants"] == 5000 and b["rows"] == 5000 and b["errors"] == 0
    assert b["eligible"] == len(ok)
    assert b["net_fee"] == sum((r["net_fee"] for r in ok), Decimal("0.00"))
    assert b["gross_fee"] == sum((r["gross_fee"] for r in ok), Decimal("0.00"))
    assert b["reduction_total"] == sum((r["reduction_total"] for r in ok), Decimal("0.00"))
    assert b["payers"]["parents"] == sum((r["payer_parents"] for r in ok), Decimal("0.00"))
    for g, n in b["priority_groups"].items():
        assert n == sum(1 for r in ok if g in r["priority_groups"])
    assert s.reform is None and s.difference is None
    assert isinstance(b["net_fee"], Decimal)


def test_reform_difference(wanzhou: huimin.Policy, reform: huimin.Policy, people: Any) -> None:
    s = huimin.simulate(wanzhou, people, reform=reform, as_of=AS_OF)
    assert s.reform is not None and s.difference is not None
    assert s.difference["net_fee"] == s.reform["net_fee"] - s.baseline["net_fee"] < 0
    assert s.difference["payers"]["parents"] == s.difference["net_fee"]
    assert s.difference["participants"] == 0
    assert len(s.reforms) == 1
    d = s.to_dict()
    assert set(d) == {"baseline", "reform", "difference"}
    assert isinstance(d["difference"]["net_fee"], Decimal)
    assert "reform" in repr(s) and "<table>" in s._repr_html_()


def test_summary_frames(wanzhou: huimin.Policy, reform: huimin.Policy, people: Any) -> None:
    pd = pytest.importorskip("pandas")
    s = huimin.simulate(wanzhou, people.to_pandas(), reform=reform, as_of=AS_OF)
    f = s.frame
    assert isinstance(f, pd.DataFrame)
    assert list(f.columns) == ["scenario", "measure", "value", "difference", "estimate"]
    # Wanzhou's waiver percent is assumed (the source says 减免 without a size): what the waiver
    # cuts rests on it, the gross fee and the head count do not.
    est = f[f.scenario == wanzhou.id].set_index("measure")["estimate"]
    assert est["reduction_total"] and est["net_fee"] and est["payer:parents"]
    assert not est["gross_fee"] and not est["participants"]
    # ...and which grades are 中低年级 is assumed too (a priority group).
    assert [a["parameter"] for a in s.assumptions] == ["lower_grade_max", "waiver_percent"]
    net = f[(f.measure == "net_fee")].set_index("scenario")
    assert net.loc[wanzhou.id, "value"] == s.baseline["net_fee"]
    assert net.loc[reform.id, "difference"] == s.difference["net_fee"]  # type: ignore[index]
    assert "payer:parents" in set(f.measure) and "priority:disabled" in set(f.measure)
    c = s.changes
    assert list(c.columns)[:3] == ["reform", "winners", "losers"]


def test_population_kinds_agree(wanzhou: huimin.Policy, people: Any) -> None:
    pl = pytest.importorskip("polars")
    a = huimin.simulate(wanzhou, people, as_of=AS_OF).baseline
    b = huimin.simulate(wanzhou, pl.from_arrow(people), as_of=AS_OF).baseline
    c = huimin.simulate(wanzhou, people.slice(0, 500).to_pylist(), as_of=AS_OF).baseline
    assert a == b
    assert c["participants"] == 500


def test_errors_are_counted(wanzhou: huimin.Policy) -> None:
    t = pa.table({"stage": ["primary", "primary"], "grade": [3, 3], "class_hours": [10, -5]})
    b = huimin.simulate(wanzhou, t, as_of=AS_OF).baseline
    assert b["rows"] == 2 and b["participants"] == 1 and b["errors"] == 1 and b["net_fee"] == Decimal("30.00")
    assert b["first_errors"][0].startswith("row 1:")


def test_progress(wanzhou: huimin.Policy, people: Any, capsys: pytest.CaptureFixture[str]) -> None:
    seen: List[int] = []
    huimin.simulate(wanzhou, people, as_of=AS_OF, progress=seen.append)
    assert seen and seen[-1] == people.num_rows
    pytest.importorskip("tqdm")
    huimin.simulate(wanzhou, people, as_of=AS_OF, progress=True)
    assert "5.00k/5.00k" in capsys.readouterr().err


def test_plot(wanzhou: huimin.Policy, reform: huimin.Policy, people: Any) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    s = huimin.simulate(wanzhou, people, reform=reform, as_of=AS_OF)
    ax = huimin.plot.budget(s)
    assert len(ax.patches) == 2  # one payer, baseline and reform
    ax2 = huimin.plot.budget(s, value="amount")
    assert ax2.patches[0].get_height() == float(s.baseline["payers"]["parents"])
    with pytest.raises(ValueError):
        huimin.plot.budget(s, value="pie")


def test_ctrl_c_stops_a_population_run(wanzhou: huimin.Policy) -> None:
    # Ctrl-C while the progress callback runs used to be swallowed with the callback's error,
    # and the run went on to the end; now it stops the run after that slice (of 65 536).
    import os
    import signal

    import threading

    big = pa.concat_tables([huimin.synthetic(wanzhou, 65_536, seed=3)] * 8)
    seen: List[int] = []

    def progress(done: int) -> None:
        seen.append(done)
        os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        huimin.simulate(wanzhou, big, as_of=AS_OF, progress=progress)
    assert seen == [65_536]
    # Ctrl-C from another thread, as a terminal sends it. The callback waits for the sender:
    # left to the scheduler, a busy machine could run all eight slices before it sends.
    seen.clear()

    def later(done: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
            sender.start()
            sender.join()

    with pytest.raises(KeyboardInterrupt):
        huimin.simulate(wanzhou, big, as_of=AS_OF, progress=later)
    assert seen == [65_536], "the run went on after Ctrl-C"
    # an ordinary exception in the callback does not stop the run
    def failing(done: int) -> None:
        seen.append(done)
        raise ValueError("a broken progress bar")

    seen.clear()
    s = huimin.simulate(wanzhou, big, as_of=AS_OF, progress=failing)
    assert seen == [65_536 * k for k in range(1, 9)] and s.baseline["rows"] == 8 * 65_536


def test_an_authoritys_default_that_stood_in_is_an_estimate() -> None:
    # Hefei's district standard is set by the district: one pupil's district gave 200.5, two
    # came without it and the pack's 150 stood in. 200.50 + 150 + 150 = 500.50, an estimate.
    hefei = load("hefei-2020")
    kid = {"stage": "primary", "basic_care": True}
    people = pa.Table.from_pylist(
        [{**kid, "district_standard": Decimal("200.5")}, {**kid, "district_standard": None}, {**kid, "district_standard": None}],
        schema=pa.schema([("stage", pa.string()), ("basic_care", pa.bool_()), ("district_standard", pa.decimal128(10, 2))]),
    )
    s = huimin.simulate(hefei, people, as_of=AS_OF)
    assert s.baseline["subsidy_total"] == Decimal("500.50")
    assert s.baseline["defaulted"] == {"district_standard": 2}
    assert s.baseline["estimated"] == ["subsidy_total", "payers.district"]
    assert [(a["parameter"], a["value"]) for a in s.assumptions] == [("district_standard", "150")]
    assert "district_standard" in repr(s) and "估算" in s._repr_html_()
    # Every district's standard given: nothing is an estimate.
    given = pa.Table.from_pylist([{**kid, "district_standard": Decimal("150")}])
    s = huimin.simulate(hefei, given, as_of=AS_OF)
    assert s.assumptions == [] and s.baseline["estimated"] == [] and s.baseline["defaulted"] == {}
