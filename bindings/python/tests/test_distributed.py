"""Policies across processes and clusters (issue 21): pickling by canonical text and
fingerprint, a real local Spark (local[2]) and a real local Ray evaluating and totalling a
generated registry, to the fen as the local engine does.

The hand-worked rows are test_population's registry, whose docstring works their fees.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import pickle
import signal
import sys
import time
from decimal import Decimal
from typing import Any, Iterator, List

import pytest

import huimin
import huimin._policy

from conftest import FIXTURES, TIMINGS, WANZHOU
from test_population import registry as hand_rows

pa = pytest.importorskip("pyarrow")
AS_OF = "2021-03-01"
#: The generated registry's size (the issue's CI test: 200 000 rows).
N = 200_000


@pytest.fixture(scope="module")
def reform(wanzhou: huimin.Policy) -> huimin.Policy:
    return wanzhou.reform(FIXTURES / "reforms" / "chongqing-wanzhou-2020-cap150.yaml")


def generated(policy: huimin.Policy, n: int) -> Any:
    """A registry of ``n`` synthetic pupils with a district, a school and an exact weight; row
    17 has a negative class-hour count (that row's error)."""
    people = policy.synthetic(n, seed=21)
    hours = people.column("class_hours").to_pylist()
    hours[17] = -5
    people = people.set_column(people.schema.get_field_index("class_hours"), "class_hours", pa.array(hours, pa.int64()))
    district = pa.array([f"区{i % 13:02d}" for i in range(n)])
    school = pa.array([f"校{i % 97:03d}" for i in range(n)])
    weight = pa.array([Decimal(100 + i % 7) / 4 for i in range(n)], pa.decimal128(10, 2))
    return people.append_column("district", district).append_column("school", school).append_column("weight", weight)


# -- pickling ------------------------------------------------------------------------------


def test_a_policy_pickles_as_its_canonical_text_and_rebuilds_once(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    for p in (wanzhou, reform, huimin.Policy.load(FIXTURES / "policies" / "changchun-beilei-2017.yaml", values=FIXTURES / "values" / "changchun-beilei-2017.example.yaml")):
        q = pickle.loads(pickle.dumps(p))
        assert q == p and q.fingerprint == p.fingerprint and q.id == p.id
        assert q.canonical() == p.canonical()
    # The reform survives: 60 class-hours is 180, capped at 150 under the reform, 170 today.
    kid = {"stage": "primary", "grade": 5, "class_hours": 60}
    assert pickle.loads(pickle.dumps(reform)).evaluate(kid, AS_OF).net_fee == Decimal("150.00")
    assert pickle.loads(pickle.dumps(wanzhou)).evaluate(kid, AS_OF).net_fee == Decimal("170.00")
    # Rebuilt once per process: the second unpickling takes the compiled policy from the cache.
    huimin._policy._REBUILT.clear()
    a, b = pickle.loads(pickle.dumps(wanzhou)), pickle.loads(pickle.dumps(wanzhou))
    assert a._core is b._core and len(huimin._policy._REBUILT) == 1
    assert copy.copy(wanzhou) is wanzhou and copy.deepcopy(wanzhou) is wanzhou


def test_the_fingerprint_is_of_the_rules_not_of_their_writing(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    text = WANZHOU.read_text(encoding="utf-8")
    rewritten = huimin.Policy.from_yaml("# 注释：同一份政策\n" + text.replace("\n\n", "\n"))
    assert rewritten.fingerprint == wanzhou.fingerprint and len(wanzhou.fingerprint) == 64
    assert reform.fingerprint != wanzhou.fingerprint
    assert wanzhou.with_parameters({"monthly_cap": 170}).fingerprint != wanzhou.fingerprint  # a new id
    assert huimin.Policy.from_json(wanzhou.canonical()).fingerprint == wanzhou.fingerprint


def _net_fee(policy: huimin.Policy) -> str:
    return str(policy.evaluate({"stage": "primary", "grade": 5, "class_hours": 60}, AS_OF).net_fee)


def test_a_policy_goes_to_a_process_pool(reform: huimin.Policy) -> None:
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited
    with ctx.Pool(2) as pool:
        assert pool.map(_net_fee, [reform, reform]) == ["150.00", "150.00"]


def test_a_pickle_that_does_not_compile_names_the_problem() -> None:
    with pytest.raises(huimin.PackError) as e:
        huimin._policy._rebuild("0" * 64, '{"id": "x", "kind": 5}', "0.0.0")
    text = str(e.value)
    assert "<policy 000000000000 pickled by huimin 0.0.0>:1:" in text
    notes = getattr(e.value, "__notes__", [])
    assert any("rebuilt by huimin" in n for n in notes)
    with pytest.raises(ValueError, match="fingerprint"):
        huimin._policy._rebuild("f" * 64, huimin.Policy.load(WANZHOU).canonical(), huimin.__version__)


def test_output_schema_names_id_kept_columns_and_money_at_the_pack_scale(wanzhou: huimin.Policy) -> None:
    s = wanzhou.output_schema(hand_rows(), keep=["district"])
    assert s.names[:3] == ["id", "district", "eligible"]
    assert s.field("net_fee").type == pa.decimal128(18, 2)
    assert s.field("payer_parents").type == pa.decimal128(18, 2)
    out = wanzhou.evaluate_frame(hand_rows().drop_columns(["weight"]), AS_OF, keep=["district"])
    assert out.schema.remove_metadata() == s.remove_metadata()
    assert out.column("district").to_pylist() == ["东区", "东区", "西区", "西区", "西区"]
    assert [str(x) for x in out.column("net_fee").to_pylist()] == ["170.00", "170.00", "120.00", "0.00", "150.00"]
    with pytest.raises(huimin.InputError, match="school"):
        wanzhou.output_schema(hand_rows(), keep=["school"])


# -- Spark ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter, with huimin
    sigint = signal.getsignal(signal.SIGINT)  # a SparkContext installs its own Ctrl-C handler
    t0 = time.perf_counter()
    session = (
        SparkSession.builder.master("local[2]")
        .appName("huimin-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    TIMINGS.append(f"spark local[2] started in {time.perf_counter() - t0:.1f} s")
    yield session
    session.stop()
    signal.signal(signal.SIGINT, sigint)


def test_spark_hand_worked_rows(spark: Any, wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    import huimin.spark

    df = spark.createDataFrame(hand_rows())
    out = huimin.spark.evaluate(df.drop("weight"), wanzhou, AS_OF, keep=["district"]).toArrow().sort_by("id")
    assert [str(x) for x in out.column("net_fee").to_pylist()] == ["170.00", "170.00", "120.00", "0.00", "150.00"]
    assert out.column("district").to_pylist() == ["东区", "东区", "西区", "西区", "西区"]
    s = huimin.spark.simulate(df.repartition(3), wanzhou, reform=reform, by="district", weight="weight", as_of=AS_OF)
    # Today: 1.5×170 + 2×170 + 120 + 0 + 0.25×150 = 752.50; the reform: 1.5×150 + 120 + 0.25×150 = 382.50.
    assert s.baseline["net_fee"] == Decimal("752.50")
    assert s.reform is not None and s.reform["net_fee"] == Decimal("382.50")
    assert s.baseline["participants"] == Decimal("7.75")
    ddl = huimin.spark.output_ddl(wanzhou, df, keep=["district"])
    assert ddl.startswith("`id` STRING, `district` STRING, `eligible` BOOLEAN") and "`net_fee` DECIMAL(18,2)" in ddl


def test_spark_evaluates_and_totals_a_registry_as_the_local_engine(spark: Any, wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    import huimin.spark

    people = generated(wanzhou, N)
    df = spark.createDataFrame(people).repartition(4)  # four tallies to merge
    t0 = time.perf_counter()
    got = huimin.spark.evaluate(df.drop("weight"), wanzhou, AS_OF, keep=["district", "school"]).toArrow().sort_by("id")
    t_spark = time.perf_counter() - t0
    want = wanzhou.evaluate_frame(people.drop_columns(["weight"]), AS_OF, keep=["district", "school"]).sort_by("id")
    assert got.num_rows == N
    for name in want.column_names:
        assert got.column(name).equals(want.column(name)), name
    bad = got.filter(pa.compute.is_valid(got.column("error")))
    assert bad.num_rows == 1 and "class_hours" in bad.column("error")[0].as_py()

    t0 = time.perf_counter()
    s = huimin.spark.simulate(df, wanzhou, reform=reform, by="district", weight="weight", as_of=AS_OF, extra="ignore")
    t_sim = time.perf_counter() - t0
    local = huimin.simulate(wanzhou, people, reform=reform, by="district", weight="weight", as_of=AS_OF, extra="ignore")
    assert s.report["total"] == local.report["total"]
    assert s.report["groups"] == local.report["groups"] and len(s.report["groups"]) == 13
    assert (s.report["rows"], s.report["errors"]) == (N, 1)
    assert s.report["first_errors"][0].startswith("s17 (partition ")
    TIMINGS.append(f"spark local[2], {N} rows: evaluate {t_spark:.2f} s, simulate with a reform by district {t_sim:.2f} s")


def test_spark_refuses_on_the_driver_what_the_pack_cannot_read(spark: Any, wanzhou: huimin.Policy) -> None:
    import huimin.spark

    df = spark.createDataFrame(hand_rows())
    with pytest.raises(huimin.InputError, match="weight"):
        huimin.spark.evaluate(df, wanzhou, AS_OF)  # an unread column, as locally
    with pytest.raises(huimin.InputError, match="school"):
        huimin.spark.evaluate(df.drop("weight"), wanzhou, AS_OF, keep=["school"])
    with pytest.raises(huimin.InputError, match="county"):
        huimin.spark.simulate(df, wanzhou, by="county", weight="weight", as_of=AS_OF)
    with pytest.raises(TypeError, match="as_of"):
        huimin.spark.simulate(df, wanzhou, by="district")


class _Tampered:
    """Unpickles as a policy whose text does not compile (as with another engine version)."""

    def __reduce__(self) -> Any:
        return (huimin._policy._rebuild, ("0" * 64, '{"id": "x", "kind": 5}', "0.0.0"))


def test_a_pack_that_fails_on_a_worker_fails_the_job_with_the_pack_error(spark: Any) -> None:
    tampered = _Tampered()

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        assert tampered is not None
        yield from batches

    df = spark.createDataFrame(hand_rows())
    with pytest.raises(Exception) as e:
        df.mapInArrow(run, df.schema).collect()
    assert "<policy 000000000000 pickled by huimin 0.0.0>:1:" in str(e.value)


# -- Ray -----------------------------------------------------------------------------------


def test_ray_data_evaluates_as_the_local_engine(wanzhou: huimin.Policy) -> None:
    ray = pytest.importorskip("ray")
    import huimin.ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        people = generated(wanzhou, 20_000).drop_columns(["weight", "school"])
        # Four blocks, so that both actors work (no repartition: its tasks would wait for the
        # CPUs the two actors hold).
        ds = ray.data.from_arrow([people.slice(i * 5_000, 5_000) for i in range(4)])
        out = huimin.ray.evaluate(ds, wanzhou, AS_OF, keep=["district"])
        got = pa.concat_tables([pa.table(b) for b in ray.get(out.to_arrow_refs())]).sort_by("id")
    finally:
        ray.shutdown()
    want = wanzhou.evaluate_frame(people, AS_OF, keep=["district"]).sort_by("id")
    assert got.num_rows == 20_000
    for name in want.column_names:
        assert got.column(name).equals(want.column(name)), name


def test_a_decision_carries_a_receipt_that_reproduces_it(wanzhou: huimin.Policy, reform: huimin.Policy) -> None:
    kid = {"stage": "primary", "grade": 5, "class_hours": 60}
    d = reform.evaluate(kid, AS_OF)
    assert (d.pack, d.fingerprint, d.engine, d.as_of.isoformat()) == (reform.id, reform.fingerprint, huimin.__version__, AS_OF)
    # An appeal: the policy whose fingerprint the receipt names, on the receipt's date.
    known = {p.fingerprint: p for p in (wanzhou, reform)}
    again = known[d.fingerprint].evaluate(kid, d.as_of)
    assert again.to_json() == d.to_json() and again.net_fee == Decimal("150.00")


def test_spark_simulate_of_no_rows_is_the_empty_totals(spark: Any, wanzhou: huimin.Policy) -> None:
    import huimin.spark

    df = spark.createDataFrame(hand_rows()).limit(0)
    s = huimin.spark.simulate(df, wanzhou, by="district", weight="weight", as_of=AS_OF)
    assert (s.report["rows"], s.baseline["net_fee"]) == (0, Decimal("0"))
