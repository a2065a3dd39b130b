"""huimin on Spark: a Spark DataFrame evaluated, or totalled by group, where it lives.

Both run through ``DataFrame.mapInArrow``: each task hands its Arrow record batches to the
engine, which reads, evaluates and writes them in Rust, exactly as :meth:`Policy.evaluate_frame`
and :func:`huimin.simulate` do on one machine — the same rows give the same amounts, to the fen.
The policy travels to the workers pickled as its canonical text and is compiled once per
worker process (cached by :attr:`Policy.fingerprint`). PySpark is imported only here::

    import huimin, huimin.spark
    policy = huimin.Policy.load("chongqing-wanzhou-2020.yaml")
    out = huimin.spark.evaluate(df, policy, as_of="2021-03-01", keep=["district", "school"])
    summary = huimin.spark.simulate(df, policy, reform=cap150, by="district", as_of="2021-03-01")

Each task runs the engine on one thread by default: Spark already runs one task per core.
``spark.sql.execution.arrow.maxRecordsPerBatch`` (10 000 by default) sets the rows per batch;
the engine works best with 65 536 or more.
"""

from __future__ import annotations

from typing import Any, Iterator, List, Optional, Sequence, Union

from . import _core, _frames
from ._policy import Policy, _names
from ._simulate import BudgetSummary, _summary

__all__ = ["evaluate", "simulate", "output_schema", "output_ddl"]

Columns = Union[str, Sequence[str], None]


def _arrow_schema(df: Any) -> Any:
    """The Arrow schema of the batches Spark hands a task for ``df``."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(df.schema)


def output_schema(policy: Policy, df: Any, *, keep: Columns = None) -> Any:
    """The Spark ``StructType`` of :func:`evaluate`'s output for ``df``: ``id`` when ``df``
    has one, the ``keep`` columns, then the results, money as ``DecimalType(18, scale)`` with
    the pack's scale. A ``keep`` column ``df`` lacks is an :class:`huimin.InputError`."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(policy.output_schema(_arrow_schema(df), keep=keep))


def output_ddl(policy: Policy, df: Any, *, keep: Columns = None) -> str:
    """:func:`output_schema` as a DDL string (``id STRING, eligible BOOLEAN, …``), for SQL and
    for declaring the table an evaluation is written to."""
    return ", ".join(f"`{f.name}` {f.dataType.simpleString().upper()}" for f in output_schema(policy, df, keep=keep).fields)


def _check(policy: Policy, arrow_in: Any, when: str, floats: str, extra: str, keep: List[str]) -> None:
    """Reads an empty table of the input's schema on the driver: a column the pack cannot
    read, or would refuse, fails here, before any task starts, with the same error as locally."""
    policy._core.evaluate_arrow(arrow_in.empty_table(), when, 1, floats, None, extra, keep)


def evaluate(
    df: Any,
    policy: Policy,
    as_of: _frames.DateLike,
    *,
    keep: Columns = None,
    floats: _frames.Floats = "refuse",
    extra: _frames.Extra = "refuse",
    threads: Optional[int] = 1,
) -> Any:
    """Every row of the Spark DataFrame ``df`` evaluated under ``policy`` as of a date: a
    Spark DataFrame with one row per input row and the columns of
    :meth:`Policy.evaluate_frame` (``id``, the ``keep`` columns copied unchanged, ``eligible``,
    ``reasons``, ``category``, ``priority_groups``, the four totals, one ``payer_<id>`` per
    payer — money as ``DecimalType(18, scale)`` — and ``error``). Lazy, like any Spark
    transformation. A row that cannot be evaluated keeps its place with its ``error``; a column
    the pack cannot read fails on the driver, before the job starts. ``threads`` per task: 1,
    as Spark runs one task per core."""
    kept = _names(keep)
    when = _frames.as_of_text(as_of)
    arrow_in = _arrow_schema(df)
    _check(policy, arrow_in, when, floats, extra, kept)
    schema = output_schema(policy, df, keep=kept)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            out, _unused = policy._core.evaluate_arrow(pa.Table.from_batches([batch]), when, threads, floats, None, extra, kept)
            yield from pa.table(out).to_batches()

    return df.mapInArrow(run, schema)


def simulate(
    df: Any,
    policy: Policy,
    reform: Optional[Policy] = None,
    *,
    reforms: Optional[Sequence[Policy]] = None,
    by: Columns = None,
    weight: Optional[str] = None,
    as_of: Optional[_frames.DateLike] = None,
    floats: _frames.Floats = "refuse",
    extra: _frames.Extra = "refuse",
    threads: Optional[int] = 1,
) -> BudgetSummary:
    """The totals of the Spark DataFrame ``df`` under ``policy`` and every reform, by group
    and with exact weights, as :func:`huimin.simulate` gives them for a local frame. Each task
    totals its partition exactly (integers of money units × weight units) and sends back the
    tally's state; the driver merges them exactly, so the result is the same to the fen as one
    local run over the same rows, however Spark partitions them. A row in error is counted and
    named (``partition P, row N``); the others go on."""
    import pyarrow as pa

    if as_of is None:
        raise TypeError("simulate() needs as_of=: a population run on 'today' would change from day to day")
    scenarios = ([reform] if reform is not None else []) + list(reforms or [])
    cols = _names(by)
    when = _frames.as_of_text(as_of)
    arrow_in = _arrow_schema(df)
    # The columns are checked on the driver, on an empty batch, as the local run checks them;
    # that empty tally is also the answer when the DataFrame has no rows.
    empty = pa.RecordBatch.from_pylist([], schema=arrow_in)
    nothing = _tally(policy, scenarios, iter([empty]), arrow_in, when, cols, weight, floats, extra, threads, "")

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark import TaskContext

        first = next(batches, None)
        if first is None:
            return
        ctx = TaskContext.get()
        place = f"partition {ctx.partitionId() if ctx else 0}, "
        state = _tally(policy, scenarios, _chain(first, batches), first.schema, when, cols, weight, floats, extra, threads, place)
        yield pa.RecordBatch.from_pydict({"tally": [state]})

    parts: List[str] = [r["tally"] for r in df.mapInArrow(run, "tally STRING").collect()]
    like = "pandas" if _has("pandas") else "pyarrow"
    return _summary(policy, scenarios, _core.merge_tallies(parts or [nothing]), like, weighted=weight is not None)


def _tally(
    policy: Policy,
    reforms: List[Policy],
    batches: Iterator[Any],
    schema: Any,
    when: str,
    by: List[str],
    weight: Optional[str],
    floats: str,
    extra: str,
    threads: Optional[int],
    place: str,
) -> str:
    """The state of the tally of ``batches`` (merged later with the other partitions')."""
    import pyarrow as pa

    reader = pa.RecordBatchReader.from_batches(schema, batches)
    cores = [r._core for r in reforms]
    state, _rows = policy._core.tally_arrow(cores, reader, when, by, [], weight, False, None, floats, extra, True, place, threads)
    return state


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
