"""Frames: pandas, polars and pyarrow in and out through the Arrow C data interface."""

from __future__ import annotations

import time
import tracemalloc
from decimal import Decimal
from typing import Any, Dict, List

import pytest

import huimin

from conftest import TIMINGS, load

pa = pytest.importorskip("pyarrow")

AS_OF = "2021-03-01"
MONEY = ["gross_fee", "reduction_total", "net_fee", "subsidy_total"]


@pytest.fixture(scope="module")
def people(wanzhou: huimin.Policy) -> Any:
    return huimin.synthetic(wanzhou, 3000, seed=7)


def _by_row(policy: huimin.Policy, table: Any, n: int) -> List[Dict[str, Any]]:
    out = []
    for row in table.slice(0, n).to_pylist():
        d = policy.evaluate(row, as_of=AS_OF, explain=False)
        out.append({"id": d.participant, "eligible": d.eligible, "category": d.category, "priority_groups": d.priority_groups,
                    **{k: getattr(d, k) for k in MONEY}, **{f"payer_{p}": v for p, v in d.payers.items()}})
    return out


def test_synthetic_table(wanzhou: huimin.Policy, people: Any) -> None:
    assert people.num_rows == 3000
    assert people.column_names[0] == "id" and people.column_names[-1] == "tags"
    assert set(people.column_names) == {"id", "stage", "grade", "class_hours", "tags"}
    assert people.schema.field("tags").type == pa.list_(pa.string())
    again = huimin.synthetic(wanzhou, 3000, seed=7)
    assert again.equals(people)
    assert not huimin.synthetic(wanzhou, 3000, seed=8).equals(people)


def test_pyarrow_round_trip(wanzhou: huimin.Policy, people: Any) -> None:
    out = wanzhou.evaluate_frame(people, as_of=AS_OF)
    assert isinstance(out, pa.Table)
    assert out.num_rows == people.num_rows
    assert out.column_names == ["id", "eligible", "reasons", "category", "priority_groups", *MONEY, "payer_parents", "error"]
    for k in MONEY + ["payer_parents"]:
        assert out.schema.field(k).type == pa.decimal128(18, 2)
    assert out.column("id").equals(people.column("id"))
    assert out.column("error").null_count == out.num_rows
    rows = out.slice(0, 300).to_pylist()
    want = _by_row(wanzhou, people, 300)
    for got, exp in zip(rows, want):
        for k, v in exp.items():
            assert got[k] == v, (k, got, exp)
    assert isinstance(rows[0]["net_fee"], Decimal)
    # a RecordBatch works too, and so does a single thread
    batch = people.to_batches()[0]
    assert wanzhou.evaluate_frame(batch, as_of=AS_OF).equals(out)
    assert wanzhou.evaluate_frame(people, as_of=AS_OF, threads=1).equals(out)


def test_pandas_round_trip(wanzhou: huimin.Policy, people: Any) -> None:
    pd = pytest.importorskip("pandas")
    df = people.to_pandas()
    df.index = pd.Index([f"row{i}" for i in range(len(df))], name="key")
    df["unused"] = 1.5  # a column the pack does not read: left unread only when asked
    with pytest.raises(huimin.InputError):
        wanzhou.evaluate_frame(df, as_of=AS_OF)
    out = wanzhou.evaluate_frame(df, as_of=AS_OF, extra="ignore")
    assert isinstance(out, pd.DataFrame)
    assert len(out) == len(df) and out.index.equals(df.index)
    assert out["net_fee"].dtype == pd.ArrowDtype(pa.decimal128(18, 2))
    assert out["eligible"].dtype == "boolean"
    ref = wanzhou.evaluate_frame(people, as_of=AS_OF).to_pandas()
    for k in MONEY:
        assert list(out[k]) == list(ref[k])
    assert out["net_fee"].iloc[0] == ref["net_fee"].iloc[0]
    assert isinstance(out["net_fee"].iloc[0], Decimal)
    total = out["net_fee"].sum()
    assert Decimal(str(total)) == sum(ref["net_fee"], Decimal(0))


def test_polars_round_trip(wanzhou: huimin.Policy, people: Any) -> None:
    pl = pytest.importorskip("polars")
    df = pl.from_arrow(people)
    # several chunks, strings as Utf8View: both must be read
    df = pl.concat([df.slice(0, 1000), df.slice(1000)], rechunk=False)
    out = wanzhou.evaluate_frame(df, as_of=AS_OF)
    assert isinstance(out, pl.DataFrame)
    assert out.height == df.height
    assert out.schema["net_fee"] == pl.Decimal(18, 2)
    assert out.schema["priority_groups"] == pl.List(pl.String)
    ref = pl.from_arrow(wanzhou.evaluate_frame(people, as_of=AS_OF))
    assert out.equals(ref)
    assert out["id"].to_list() == df["id"].to_list()
    lazy = wanzhou.evaluate_frame(df.lazy(), as_of=AS_OF)
    assert lazy.equals(ref)


def test_tags_as_text_and_bad_rows_kept(wanzhou: huimin.Policy) -> None:
    t = pa.table({
        "id": [1, 2, 3, 4, 5],
        "stage": ["primary", "primary", "college", "junior", None],
        "grade": [3, 3, 3, 8, 3],
        "class_hours": [60.0, -1.0, 10.0, 33.5, 10.0],
        "tags": ["dibao; dual_worker", "", None, "migrant|dibo", "dual_worker"],
    })
    out = wanzhou.evaluate_frame(t, as_of=AS_OF, floats="shortest").to_pylist()
    assert [r["id"] for r in out] == [1, 2, 3, 4, 5]
    assert out[0]["error"] is None and out[0]["net_fee"] == Decimal("0.00") and out[0]["priority_groups"] == ["dual_worker", "dibao", "lower_grades"]
    assert "class_hours" in out[1]["error"] and out[1]["eligible"] is None and out[1]["net_fee"] is None
    assert "college" in out[2]["error"]
    assert "dibo" in out[3]["error"] and "did you mean" in out[3]["error"]
    assert "School stage is required" in out[4]["error"]
    # the JSON path gives the same messages
    with pytest.raises(huimin.InputError) as info:
        wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": -1}, AS_OF)
    assert out[1]["error"] == str(info.value)


def test_missing_required_column(wanzhou: huimin.Policy) -> None:
    with pytest.raises(huimin.InputError) as info:
        wanzhou.evaluate_frame(pa.table({"stage": ["primary"], "grade": [1]}), as_of=AS_OF)
    assert info.value.field == "class_hours" and info.value.code == "missing"


def test_pandas_nan_categorical_and_dates(wanzhou: huimin.Policy) -> None:
    pd = pytest.importorskip("pandas")
    import datetime as dt

    df = pd.DataFrame({
        "stage": pd.Categorical(["primary", "junior", "primary"]),
        "grade": [1, 7, 2],
        "class_hours": [10.0, float("nan"), 20.0],
        "tags": [["dibao"], [], ["dual_worker", "migrant"]],
    })
    out = wanzhou.evaluate_frame(df, as_of=dt.date(2021, 3, 1), floats="shortest")
    assert out["net_fee"].iloc[0] == Decimal("0.00")
    assert "Class-hours a month is required" in out["error"].iloc[1]
    assert out["gross_fee"].iloc[2] == Decimal("60.00")
    assert pd.isna(out["error"].iloc[2])


def test_empty_frame(wanzhou: huimin.Policy) -> None:
    t = pa.table({"stage": pa.array([], pa.string()), "grade": pa.array([], pa.int64()), "class_hours": pa.array([], pa.int64())})
    out = wanzhou.evaluate_frame(t, as_of=AS_OF)
    assert out.num_rows == 0 and "net_fee" in out.column_names


def test_not_a_frame(wanzhou: huimin.Policy) -> None:
    with pytest.raises(TypeError):
        wanzhou.evaluate_frame({"stage": ["primary"]}, as_of=AS_OF)


def test_million_rows_without_python_objects(wanzhou: huimin.Policy) -> None:
    n = 1_000_000
    t0 = time.perf_counter()
    big = huimin.synthetic(wanzhou, n, seed=1)
    t_syn = time.perf_counter() - t0
    tracemalloc.start()
    t0 = time.perf_counter()
    out = wanzhou.evaluate_frame(big, as_of=AS_OF)
    t_eval = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert out.num_rows == n and out.column("error").null_count == n
    # A Python object per row would be ≥ 28 bytes × 10^6 ≈ 28 MB of traced allocations.
    assert peak < 5_000_000, f"Python allocations peaked at {peak} bytes"
    msg = f"evaluate_frame, 1 000 000 rows, pyarrow: {t_eval:.2f} s ({t_eval / n * 1e6:.2f} µs/row; Python heap peak {peak / 1e3:.0f} kB); synthetic(1M): {t_syn:.2f} s"
    try:
        import polars as pl

        df = pl.from_arrow(big)
        t0 = time.perf_counter()
        wanzhou.evaluate_frame(df, as_of=AS_OF)
        msg += f"; polars in/out: {time.perf_counter() - t0:.2f} s"
    except ImportError:
        pass
    try:
        import pandas  # noqa: F401

        df = big.to_pandas()
        t0 = time.perf_counter()
        wanzhou.evaluate_frame(df, as_of=AS_OF)
        msg += f"; pandas in/out: {time.perf_counter() - t0:.2f} s"
    except ImportError:
        pass
    TIMINGS.append(msg)
    assert t_eval < 120


AGE_PACK = """
id: age-demo
name: { zh: 示例, en: Demo }
kind: elderly_care
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-01-01
period: month
payers: { city: { zh: 市财政, en: City }, district: { zh: 区财政, en: District } }
inputs:
  birth_date: {}
  monthly_income: {}
eligibility:
  - { id: old_enough, label: { zh: 年满80周岁, en: Aged 80 or over }, when: "years_between(birth_date, as_of) >= 80" }
subsidies:
  stacking: add
  rules:
    - { id: allowance, label: { zh: 高龄津贴, en: Old-age allowance }, amount: "if monthly_income < 1000.5 then 100.01 else 50", split: shared }
splits:
  shared: { parts: { city: 6, district: 4 } }
"""


def test_dates_decimals_and_splits_across_frame_kinds() -> None:
    import datetime as dt

    policy = huimin.Policy.from_yaml(AGE_PACK, "age.yaml")
    births = [dt.date(1930, 5, 1), dt.date(1950, 5, 1), None]
    incomes = [Decimal("1000.49"), Decimal("1000.50"), Decimal("2000")]
    want = []
    for b, i in zip(births, incomes):
        try:
            want.append(policy.evaluate({"birth_date": b, "monthly_income": i}, "2021-03-01"))
        except huimin.InputError as e:
            want.append(e)
    t = pa.table({"birth_date": pa.array(births, pa.date32()), "monthly_income": pa.array(incomes, pa.decimal128(10, 2))})
    frames: List[Any] = [t, t.cast(pa.schema([("birth_date", pa.timestamp("us")), ("monthly_income", pa.float64())]))]
    try:
        import pandas as pd

        frames.append(pd.DataFrame({"birth_date": pd.to_datetime([str(b) if b else None for b in births]), "monthly_income": [float(i) for i in incomes]}))
    except ImportError:
        pass
    for k, frame in enumerate(frames):
        if k > 0:  # incomes as floats: refused unless read by their shortest text
            with pytest.raises(huimin.InputError) as info:
                policy.evaluate_frame(frame, as_of="2021-03-01")
            assert info.value.field == "monthly_income" and info.value.code == "wrong_type"
        out = pa.table(policy.evaluate_frame(frame, as_of="2021-03-01", floats="shortest")).to_pylist()
        for row, w in zip(out, want):
            if isinstance(w, huimin.HuiminError):
                assert row["error"] == str(w)
                continue
            assert row["eligible"] == w.eligible
            assert row["subsidy_total"] == w.subsidy_total
            assert row["payer_city"] == w.payers["city"] and row["payer_district"] == w.payers["district"]
    assert want[0].subsidy_total == Decimal("100.01") and want[0].payers == {"city": Decimal("60.01"), "district": Decimal("40.00")}
    assert not want[1].eligible


def test_frame_reasons_name_each_unmet_requirement(wanzhou: huimin.Policy) -> None:
    # Wanzhou serves primary and junior pupils (`enrolled`); a senior pupil and a preschooler
    # fail it and pay nothing; the primary pupil is served: 3.00 × 10 = 30.00.
    table = pa.table({
        "id": ["senior", "primary", "preschool"],
        "stage": ["senior", "primary", "preschool"],
        "grade": [10, 3, 1],
        "class_hours": [40, 10, 40],
    })
    out = wanzhou.evaluate_frame(table, as_of=AS_OF).to_pylist()
    assert [r["eligible"] for r in out] == [False, True, False]
    assert [r["reasons"] for r in out] == [["enrolled"], [], ["enrolled"]]
    assert [r["net_fee"] for r in out] == [Decimal("0.00"), Decimal("30.00"), Decimal("0.00")]
    for row, got in zip(table.to_pylist(), out):
        d = wanzhou.evaluate(row, as_of=AS_OF, explain=False)
        assert got["reasons"] == [r["rule"] for r in d.reasons]


COURSE_PACK = """
id: course
name: { zh: 课程, en: Course }
kind: after_school
jurisdiction: { zh: 某市, en: Some city }
valid_from: 2020-09-01
period: month
payers: { parents: { zh: 家长, en: Parents } }
fee_payer: parents
inputs:
  price: { type: decimal, label: { zh: 课程费, en: Course price }, min: 0, default: 0 }
  sessions: { type: integer, label: { zh: 课次, en: Sessions }, min: 0, default: 1 }
fees:
  - { id: course, label: { zh: 课程费, en: Course fee }, rate: price, quantity: sessions }
"""


def test_a_float_money_column_is_refused_unless_read_by_its_shortest_text() -> None:
    policy = huimin.Policy.from_yaml(COURSE_PACK, "course.yaml")
    t = pa.table({"price": pa.array([1000.49, 0.1], pa.float64()), "sessions": pa.array([1.0, 3.0], pa.float64())})
    with pytest.raises(huimin.InputError) as info:
        policy.evaluate_frame(t, as_of=AS_OF)
    assert info.value.fields == ["price", "sessions"]
    first = info.value.errors[0]
    assert first["code"] == "wrong_type"
    assert first["message"]["en"] == (
        "column `price` holds floats (Float64), which are not exact decimals: give it as a decimal or text column, "
        'or pass floats="shortest" to read each float as its shortest decimal text'
    )
    assert 'floats="shortest"' in first["message"]["zh"] and "小数（decimal）或文本列" in first["message"]["zh"]
    with pytest.raises(huimin.InputError):
        huimin.simulate(policy, t, as_of=AS_OF)
    # asked for: each float as the decimal it prints as, 1000.49 × 1 and 0.1 × 3
    out = policy.evaluate_frame(t, as_of=AS_OF, floats="shortest").to_pylist()
    assert [r["gross_fee"] for r in out] == [Decimal("1000.49"), Decimal("0.30")]
    s = huimin.simulate(policy, t, as_of=AS_OF, floats="shortest")
    assert s.baseline["gross_fee"] == Decimal("1000.79")
    # exact columns need no option
    exact = pa.table({"price": pa.array([Decimal("1000.49")], pa.decimal128(8, 2)), "sessions": [2]})
    assert policy.evaluate_frame(exact, as_of=AS_OF).to_pylist()[0]["gross_fee"] == Decimal("2000.98")
    with pytest.raises(ValueError, match="floats must be"):
        policy.evaluate_frame(t, as_of=AS_OF, floats="round")  # type: ignore[arg-type]


def test_nan_is_that_rows_error_not_the_default() -> None:
    # NaN used to read as a missing value: the default price 0, a fee of 0.00 and no error.
    policy = huimin.Policy.from_yaml(COURSE_PACK, "course.yaml")
    t = pa.table({"price": pa.array([12.5, float("nan"), None, float("inf")], pa.float64())})
    out = policy.evaluate_frame(t, as_of=AS_OF, floats="shortest").to_pylist()
    assert [r["gross_fee"] for r in out] == [Decimal("12.50"), None, Decimal("0.00"), None]
    assert [r["error"] for r in out] == [None, "price: Course price must be a number", None, "price: Course price must be a number"]
    b = huimin.simulate(policy, t, as_of=AS_OF, floats="shortest").baseline
    assert b["rows"] == 4 and b["participants"] == 2 and b["errors"] == 2 and b["gross_fee"] == Decimal("12.50")
    assert b["first_errors"][0] == "row 1: price: Course price must be a number"
    pl = pytest.importorskip("polars")
    out = policy.evaluate_frame(pl.DataFrame({"price": [float("nan"), 2.0]}), as_of=AS_OF, floats="shortest")
    assert out["error"].to_list() == ["price: Course price must be a number", None]
    assert out["gross_fee"].to_list() == [None, Decimal("2.00")]


def test_ctrl_c_stops_a_frame_between_jobs(wanzhou: huimin.Policy) -> None:
    # 32 jobs of 65 536 rows on one thread; Ctrl-C arrives (from another thread, as a terminal
    # sends it) once the first job is done. The run stops there instead of finishing all 32.
    # The callback waits for the sending thread: a busy machine could otherwise leave it
    # unscheduled until every job is done (seen once under load).
    import os
    import signal
    import threading

    one = huimin.synthetic(wanzhou, 65_536, seed=3)
    big = pa.concat_tables([one] * 32)
    seen: List[int] = []

    def progress(done: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
            sender.start()
            sender.join()

    with pytest.raises(KeyboardInterrupt):
        wanzhou.evaluate_frame(big, as_of=AS_OF, threads=1, progress=progress)
    assert seen == [65_536], "the run went on after Ctrl-C"
    # uninterrupted, progress counts every row, job by job
    seen.clear()
    out = wanzhou.evaluate_frame(one, as_of=AS_OF, progress=seen.append)
    assert seen == [65_536] and out.num_rows == 65_536


def test_a_tag_column_is_the_tag_and_an_unread_column_is_refused() -> None:
    # Wanzhou: 3.00 × 60 = 180.00, capped at 170.00; 低保 waives it. A `dibao` column is read
    # as the tag (it used to be ignored, charging 170.00); `district` is no input or tag:
    # refused unless extra="ignore".
    import pandas as pd

    from conftest import load

    wz = load("chongqing-wanzhou-2020")
    df = pd.DataFrame({"stage": ["primary"] * 3, "grade": [3] * 3, "class_hours": [60] * 3, "dibao": [True, False, None]})
    out = wz.evaluate_frame(df, as_of="2021-03-01")
    assert [str(x) for x in out["net_fee"]] == ["0.00", "170.00", "170.00"]
    df["district"] = "万州"
    with pytest.raises(huimin.InputError) as e:
        wz.evaluate_frame(df, as_of="2021-03-01")
    assert [(x["path"], x["code"]) for x in e.value.errors] == [("district", "unknown_column")]
    out = wz.evaluate_frame(df, as_of="2021-03-01", extra="ignore")
    assert [str(x) for x in out["net_fee"]] == ["0.00", "170.00", "170.00"]
    # The same rule for one dict: the key is the tag.
    assert str(wz.evaluate({"stage": "primary", "grade": 3, "class_hours": 60, "dibao": "是"}, as_of="2021-03-01").net_fee) == "0.00"


def test_registry_names_and_vocabulary_columns() -> None:
    # Hebi (example values: 360.00 a semester, half from the government; free for 家庭经济困难).
    # 学段 is stage; a `dibao` column is 低保, which entails 家庭经济困难: row 0 pays 0.00, row 1
    # 180.00. `age` is a standard field Hebi does not read: left unread, with a warning.
    import pandas as pd

    from conftest import load

    hebi = load("hebi-2020", values="hebi-2020.example.yaml")
    df = pd.DataFrame({"学段": ["primary", "primary"], "dibao": [True, False], "age": [9, 10]})
    with pytest.warns(huimin.UnusedWarning, match="age"):
        out = hebi.evaluate_frame(df, as_of="2020-10-12")
    assert [str(x) for x in out["net_fee"]] == ["0.00", "180.00"]


def test_an_all_null_categorical_is_each_rows_missing_value_not_a_crash(wanzhou: huimin.Policy) -> None:
    pd = pytest.importorskip("pandas")
    # pandas gives a categorical with no categories when every value is missing: a dictionary
    # without values, which arrow's key normalising cannot take.
    df = pd.DataFrame({"stage": pd.Categorical([None, None]), "grade": [3, 3], "class_hours": [60, 60]})
    out = wanzhou.evaluate_frame(df, "2021-03-01")
    assert list(out["error"].str.contains("stage")) == [True, True]
    assert wanzhou.evaluate_frame(df.iloc[:0], "2021-03-01").shape[0] == 0


def test_a_frame_says_which_columns_are_estimates_and_why(wanzhou: huimin.Policy) -> None:
    import json

    rows = pa.table({"stage": ["primary"], "grade": [3], "class_hours": [60]})
    meta = wanzhou.evaluate_frame(rows, as_of=AS_OF).schema.metadata
    # Wanzhou assumes the waiver's size (so what it cuts, the net fee and the parents' part) and
    # which grades are 中低年级 (a priority group); the gross fee rests on stated numbers.
    assert meta[b"huimin.estimated"] == b"priority_groups,reduction_total,net_fee,payer_parents"
    assert [a["parameter"] for a in json.loads(meta[b"huimin.assumptions"])] == ["lower_grade_max", "waiver_percent"]
    pd = pytest.importorskip("pandas")
    df = wanzhou.evaluate_frame(rows.to_pandas(), as_of=AS_OF)
    assert df.attrs["huimin.estimated"] == ["priority_groups", "reduction_total", "net_fee", "payer_parents"]

    # Hefei assumes nothing of its own; a district standard not given is the estimate.
    hefei = load("hefei-2020")
    kid = {"stage": "primary", "basic_care": True}
    without = pa.table({"stage": ["primary", "primary"], "basic_care": [True, True]})
    meta = hefei.evaluate_frame(without, as_of=AS_OF).schema.metadata
    assert meta[b"huimin.estimated"] == b"subsidy_total,payer_district"
    (a,) = json.loads(meta[b"huimin.assumptions"])
    assert (a["parameter"], a["value"], a["rules"]) == ("district_standard", "150", ["basic_care_funding"])
    given = pa.Table.from_pylist([{**kid, "district_standard": Decimal("180")}])
    out = hefei.evaluate_frame(given, as_of=AS_OF)
    assert b"huimin.estimated" not in (out.schema.metadata or {})
    assert out.column("subsidy_total").to_pylist() == [Decimal("180.00")]
