"""The single-participant API: loading, decisions, explanations, errors, threads."""

from __future__ import annotations

import datetime as dt
import pickle
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import huimin

from conftest import TIMINGS, WANZHOU

KID = {"id": "wz-1", "stage": "primary", "grade": 3, "class_hours": 60, "tags": ["dual_worker"]}


DEMO_JSON = """{
  "id": "demo", "name": {"zh": "示例", "en": "Demo"}, "kind": "after_school",
  "jurisdiction": {"zh": "某市", "en": "Some city"}, "valid_from": "2020-09-01", "period": "month",
  "payers": {"parents": {"zh": "家长", "en": "Parents"}}, "fee_payer": "parents",
  "inputs": {"class_hours": {}},
  "parameters": {"rate": {"values": [{"from": "2020-09-01", "value": 3.00}]}},
  "fees": [{"id": "service", "label": {"zh": "服务费", "en": "Service fee"}, "rate": "rate", "quantity": "class_hours", "cap": "170"}]
}"""


def test_load_three_ways(wanzhou: huimin.Policy, tmp_path: Path) -> None:
    text = WANZHOU.read_text(encoding="utf-8")
    a = huimin.Policy.from_yaml(text, "wz.yaml")
    assert a.id == wanzhou.id == "chongqing-wanzhou-2020"
    b = huimin.Policy.from_json(DEMO_JSON)
    assert b.id == "demo" and b.warnings  # rules without a citation warn
    assert b.evaluate({"class_hours": 60}, "2021-03-01").net_fee == Decimal("170.00")
    (tmp_path / "demo.json").write_text(DEMO_JSON, encoding="utf-8")
    c = huimin.Policy.load(tmp_path / "demo.json")
    assert c.id == "demo"
    with pytest.raises(TypeError):
        huimin.Policy(None)  # type: ignore[arg-type]


def test_identity(wanzhou: huimin.Policy) -> None:
    assert wanzhou.name["zh"] == "万州区中小学课后服务"
    assert wanzhou.kind == "after_school"
    assert wanzhou.period == "month"
    assert wanzhou.rounding == {"scale": 2, "mode": "half_up"}
    assert wanzhou.valid_from == dt.date(2020, 9, 1)
    assert list(wanzhou.payers) == ["parents"]
    assert "dual_worker" in wanzhou.priority_groups
    schema = wanzhou.input_schema()
    assert {f["name"] for f in schema["fields"]} == {"stage", "grade", "class_hours"}
    assert "dibao" in {t["id"] for t in schema["tags"]}
    assert "chongqing-wanzhou-2020" in repr(wanzhou)


def test_decision_money_is_decimal(wanzhou: huimin.Policy) -> None:
    d = wanzhou.evaluate(KID, as_of=dt.date(2021, 3, 1))
    assert d.eligible is True
    assert d.participant == "wz-1"
    assert d.as_of == dt.date(2021, 3, 1)
    assert d.gross_fee == Decimal("170.00") and str(d.gross_fee) == "170.00"
    assert d.net_fee == Decimal("170.00")
    assert d.payers == {"parents": Decimal("170.00")}
    assert isinstance(d.fees[0]["amount"], Decimal)
    data = d.to_dict()
    assert data["net_fee"] == Decimal("170.00") and isinstance(data["net_fee"], Decimal)
    assert data["priority_groups"] == ["dual_worker", "lower_grades"]
    assert '"net_fee":"170.00"' in d.to_json().replace(" ", "")
    assert not any(isinstance(v, float) for v in data.values())


def test_inputs_as_decimal_numpy_and_strings(wanzhou: huimin.Policy) -> None:
    np = pytest.importorskip("numpy")
    a = wanzhou.evaluate({"stage": "primary", "grade": np.int64(3), "class_hours": Decimal("33.5")}, "2021-03-01")
    assert a.gross_fee == Decimal("100.50")
    b = wanzhou.evaluate({"stage": "primary", "grade": "3", "class_hours": np.float64(33.5)}, "2021-03-01")
    assert b.gross_fee == a.gross_fee


def test_explain_and_html(wanzhou: huimin.Policy) -> None:
    d = wanzhou.evaluate({**KID, "tags": ["dibao"]}, as_of="2021-03-01")
    assert d.net_fee == Decimal("0.00") and d.reduction_total == Decimal("170.00")
    text = d.explain()
    assert "poverty_waiver" in text and "万州区中小学生课后服务实施方案" in text
    assert "3.00 × 60" in text or "3.00" in text
    html = d._repr_html_()
    assert "<table>" in html and "citation" in html and "低保" in html
    assert "对建档立卡" in html or "對建檔立卡" in html
    quiet = wanzhou.evaluate(KID, as_of="2021-03-01", explain=False)
    assert quiet.steps == [] and "without explanation" in quiet.explain()
    assert quiet.net_fee == wanzhou.evaluate(KID, as_of="2021-03-01").net_fee


def test_explain_for_a_parent(wanzhou: huimin.Policy) -> None:
    # 低保: 3.00 × 60 = 180.00 capped at 170 → 170.00, waived at the assumed 100% → 170.00 off.
    d = wanzhou.evaluate({**KID, "tags": ["dibao"]}, as_of="2021-03-01")
    assert d.explain("parent") == (
        "每课时3.00元，60课时，每月最多收170元 → 170.00元\n"
        "建档立卡、低保家庭的孩子免收服务费：减免170.00元 （估算）"
    )
    assert d.explain("parent", lang="en").splitlines()[0] == (
        "3.00 yuan a class-hour for 60 class-hours, at most 170 yuan a month → 170.00 yuan"
    )
    assert [s["rule"] for s in d.plain] == ["service_fee", "poverty_waiver"]
    with pytest.raises(ValueError):
        d.explain("pupil")
    assert wanzhou.evaluate(KID, as_of="2021-03-01", explain=False).plain == []


def test_pack_error_has_line_and_column() -> None:
    bad = WANZHOU.read_text(encoding="utf-8").replace("cap: monthly_cap", "cap: montly_cap")
    with pytest.raises(huimin.PackError) as info:
        huimin.Policy.from_yaml(bad, "bad.yaml")
    e = info.value
    assert e.file == "bad.yaml"
    assert isinstance(e.line, int) and e.line > 1
    assert isinstance(e.column, int) and e.column >= 1
    assert e.code == "unknown_name"
    assert "monthly_cap" in (e.hint or "")
    assert str(e).startswith(f"bad.yaml:{e.line}:{e.column}: error:")
    assert e.to_dict()["kind"] == "pack"
    line = bad.splitlines()[e.line - 1]
    assert "montly_cap" in line
    assert isinstance(e, ValueError)


def test_missing_file_is_a_pack_error(tmp_path: object) -> None:
    with pytest.raises(huimin.PackError) as info:
        huimin.Policy.load("/nonexistent/pack.yaml")
    assert info.value.code == "io"


def test_input_error_names_the_field(wanzhou: huimin.Policy) -> None:
    with pytest.raises(huimin.InputError) as info:
        wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": -1}, as_of="2021-03-01")
    e = info.value
    assert e.field == "class_hours" and e.code == "out_of_range"
    assert e.to_dict() == {"kind": "input", "errors": e.errors}
    assert e.errors[0]["message"]["zh"]
    with pytest.raises(huimin.InputError) as info2:
        wanzhou.evaluate({"stage": "primary", "class_hours": 1, "tags": ["dibo"]}, as_of="2021-03-01")
    assert set(info2.value.fields) == {"tags[0]", "grade"}
    assert "did you mean" in str(info2.value)
    assert wanzhou.validate({"stage": "primary", "grade": 3, "class_hours": 1}) == []
    assert wanzhou.validate({"stage": "primary", "grade": 3})[0]["path"] == "class_hours"


def test_eval_error(wanzhou: huimin.Policy) -> None:
    with pytest.raises(huimin.EvalError) as info:
        wanzhou.evaluate(KID, as_of="2020-01-01")
    assert info.value.code == "outside_validity"
    assert info.value.to_dict()["kind"] == "eval"


def test_errors_pickle() -> None:
    e = huimin.InputError("x: bad", '{"kind": "input", "errors": [{"path": "x", "code": "missing", "message": {"zh": "", "en": ""}}]}')
    back = pickle.loads(pickle.dumps(e))
    assert back.field == "x" and str(back) == "x: bad"


def test_bad_as_of(wanzhou: huimin.Policy) -> None:
    with pytest.raises(ValueError):
        wanzhou.evaluate(KID, as_of="March 2021")


def test_shared_between_threads(wanzhou: huimin.Policy) -> None:
    kids = [{"id": str(i), "stage": "primary", "grade": 1 + i % 6, "class_hours": i % 70} for i in range(400)]
    serial = [wanzhou.evaluate(k, "2021-03-01").net_fee for k in kids]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda k: wanzhou.evaluate(k, "2021-03-01").net_fee, kids))
    assert parallel == serial


def test_per_row_timing(wanzhou: huimin.Policy) -> None:
    n = 20_000
    t = time.perf_counter()
    for i in range(n):
        wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": i % 70}, "2021-03-01", explain=False)
    quiet = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for i in range(n // 4):
        wanzhou.evaluate({"stage": "primary", "grade": 3, "class_hours": i % 70}, "2021-03-01")
    loud = (time.perf_counter() - t) / (n // 4)
    TIMINGS.append(f"Policy.evaluate (one dict → Decision): {quiet * 1e6:.1f} µs/row without steps, {loud * 1e6:.1f} µs/row with explain")
    assert quiet < 0.01


def test_documents_to_bring_and_assumptions_are_attributes() -> None:
    # 篇十七, list 1 (低保 and care-dependent): identity card and hukou copies, the 低保 card
    # copy, the hospital diagnosis; a person under 60 is not eligible and brings nothing.
    from conftest import load

    sz = load("shenzhen-homecare")
    d = sz.evaluate({"id": "a", "age": 70, "local_hukou": True, "self_care": "partly_disabled", "tags": ["dibao"]}, as_of="2010-01-01")
    assert [x["document"] for x in d.documents] == ["id_hukou", "dibao_card", "diagnosis"]
    assert d.documents[1]["name"]["zh"] == "《居民最低生活保障金领取证》复印件一份（带原件备查）"
    assert d.documents[2]["cite"]["id"] == "doc_diagnosis"
    assert "to bring: " in d.explain()
    young = sz.evaluate({"age": 59, "local_hukou": True, "self_care": "partly_disabled"}, as_of="2010-01-01")
    assert not young.eligible and young.documents == []
    # The age-80 transition voucher is assumed in this pack, and every decision that goes
    # through its rules says so as an attribute, not only in to_dict().
    assert [a["parameter"] for a in d.assumptions] == ["age80_voucher"]
    assert isinstance(d.estimated, list)
