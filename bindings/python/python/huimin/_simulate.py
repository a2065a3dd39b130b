"""Population runs: a population's totals under a policy and any number of reforms at once, by
group and with exact weights, and who wins and who loses — on the column path, streaming."""

from __future__ import annotations

import copy
import datetime as _dt
import html
import json
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import _frames
from ._policy import Policy

__all__ = ["simulate", "synthetic", "BudgetSummary"]

_MONEY = ("gross_fee", "reduction_total", "net_fee", "subsidy_total")
_COUNTS = ("participants", "eligible")
_CHANGES = ("winners", "losers", "unchanged", "gained", "lost", "net_fee_change", "mean_net_fee_change")
#: Populations at least this large show a progress bar (when tqdm is installed).
PROGRESS_THRESHOLD = 200_000


def _dec(v: Any, whole: bool) -> Any:
    """A decimal from the report; a count as int when every weight is 1."""
    if v is None:
        return None
    d = Decimal(v)
    return int(d) if whole else d


def _totals(t: Dict[str, Any], whole: bool, pack_as_of: _dt.date, rows: int, errors: int, first_errors: List[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"pack": t["pack"], "as_of": pack_as_of, "rows": rows, "errors": errors, "first_errors": list(first_errors)}
    for k in _COUNTS:
        out[k] = _dec(t[k], whole)
    for k in _MONEY:
        out[k] = Decimal(t[k])
    out["payers"] = {p: Decimal(v) for p, v in t["payers"].items()}
    out["priority_groups"] = {g: _dec(v, whole) for g, v in t["priority_groups"].items()}
    out["categories"] = {g: _dec(v, whole) for g, v in t["categories"].items()}
    return out


def _estimate(measure: str, estimated: List[str]) -> bool:
    """Whether a measure of :func:`_measures` rests on an assumed value, given a scenario's
    ``estimated`` (the decision fields and ``payers.<id>`` that can)."""
    kind, _, rest = measure.partition(":")
    if kind == "payer":
        return f"payers.{rest}" in estimated
    return {"priority": "priority_groups", "category": "category"}.get(kind, measure) in estimated


def _difference(base: Dict[str, Any], reform: Dict[str, Any]) -> Dict[str, Any]:
    """``reform − baseline`` for every total, payer and count (exact)."""
    d: Dict[str, Any] = {k: reform[k] - base[k] for k in _MONEY + _COUNTS}
    for section, zero in (("payers", Decimal(0)), ("priority_groups", 0), ("categories", 0)):
        keys = list(base[section]) + [k for k in reform[section] if k not in base[section]]
        d[section] = {k: reform[section].get(k, zero) - base[section].get(k, zero) for k in keys}
    return d


class _Progress:
    """A tqdm bar fed between slices of the run (cumulative counts, from the calling thread)."""

    def __init__(self, total: Optional[int], desc: str) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=total, desc=desc, unit="row", unit_scale=True)

    def __call__(self, done: int) -> None:
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


def _progress_for(progress: Union[bool, None, Callable[[int], Any]], rows: Optional[int], desc: str) -> Any:
    if callable(progress):
        return progress
    if progress is False or (progress is None and rows is not None and rows < PROGRESS_THRESHOLD):
        return None
    try:
        return _Progress(rows, desc)
    except ImportError:
        return None


def _measures(t: Dict[str, Any]) -> List[tuple]:  # type: ignore[type-arg]
    """``(measure, value)`` of one scenario's totals, in a fixed order."""
    out = [(k, t[k]) for k in _COUNTS + _MONEY]
    out += [(f"payer:{p}", v) for p, v in t["payers"].items()]
    out += [(f"priority:{g}", v) for g, v in t["priority_groups"].items()]
    out += [(f"category:{c}", v) for c, v in t["categories"].items()]
    return out


def _table(rows: List[Dict[str, Any]], columns: List[str], like: str) -> Any:
    """Rows as a table in the caller's library (pandas, polars, else pyarrow); decimals stay
    exact (Decimal objects in pandas, decimal128 in Arrow)."""
    import pyarrow as pa

    def scale(col: str) -> int:
        s = 0
        for r in rows:
            v = r.get(col)
            if isinstance(v, Decimal):
                s = max(s, -int(v.as_tuple().exponent))
        return s

    fields = []
    for c in columns:
        vals = [r.get(c) for r in rows]
        if any(isinstance(v, Decimal) for v in vals):
            fields.append(pa.field(c, pa.decimal128(38, scale(c))))
        elif any(isinstance(v, bool) for v in vals):
            fields.append(pa.field(c, pa.bool_()))
        elif any(isinstance(v, int) for v in vals):
            fields.append(pa.field(c, pa.int64()))
        else:
            fields.append(pa.field(c, pa.string()))
    t = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=pa.schema(fields))
    if like == "pyarrow":
        return t
    try:
        return _frames.from_arrow(t, like)
    except ImportError:
        return t


class BudgetSummary:
    """The totals of a population run under a policy and any reforms, by group.

    :attr:`baseline`, :attr:`reform` (the first reform) and :attr:`difference` (``reform −
    baseline``) are the whole population's totals as dicts, money as Decimal: ``rows errors
    first_errors participants eligible gross_fee reduction_total net_fee subsidy_total
    payers{id: amount} priority_groups{id: count} categories{id: count}``; counts are sums of
    weights (ints when unweighted). :attr:`reforms` holds every reform's totals.
    :attr:`frame` is the tidy table ``<by columns> scenario measure value difference``,
    :attr:`changes` the winners and losers ``<by columns> reform winners losers unchanged
    gained lost net_fee_change mean_net_fee_change`` — in the caller's frame library.
    :attr:`report` is the engine's report as parsed JSON.
    """

    def __init__(self, report: Dict[str, Any], payer_labels: Dict[str, Dict[str, str]], period: Optional[str], like: str, weighted: bool) -> None:
        self.report = report
        self.by: List[str] = list(report["by"])
        self.payer_labels = payer_labels
        #: The period the amounts are for (``month``, ``semester``…).
        self.period = period
        self._like = like
        self._whole = not weighted
        as_of = _dt.date.fromisoformat(report["as_of"])
        total = report["total"]
        runs = [_totals(t, self._whole, as_of, report["rows"], report["errors"], report["first_errors"]) for t in total["scenarios"]]
        for run, sc in zip(runs, report["scenarios"]):
            # What each run's totals rest on that no source states, as the CLI's footnotes say.
            run["estimated"] = list(sc.get("estimated", []))
            run["assumptions"] = list(sc.get("assumptions", []))
            run["defaulted"] = {d["input"]: d["rows"] for d in sc.get("defaulted", [])}
        self.baseline: Dict[str, Any] = runs[0]
        self.reforms: List[Dict[str, Any]] = runs[1:]
        self.reform: Optional[Dict[str, Any]] = self.reforms[0] if self.reforms else None
        self.difference: Optional[Dict[str, Any]] = _difference(self.baseline, self.reform) if self.reform is not None else None
        #: Columns of the shared vocabulary the packs do not read (left unread).
        self.unused: List[str] = list(report.get("unused", []))
        #: The values no source document states that some total rests on, each once (its
        #: ``parameter``, ``value``, ``reason``, ``rules``): the ``estimate`` rows of :attr:`frame`.
        self.assumptions: List[Dict[str, Any]] = []
        for run in runs:
            for a in run["assumptions"]:
                if all(b["parameter"] != a["parameter"] for b in self.assumptions):
                    self.assumptions.append(a)
        #: Each participant's results, with ``simulate(..., rows=True)``.
        self.rows: Any = None

    def to_dict(self) -> Dict[str, Any]:
        """``{"baseline": …, "reform": … | None, "difference": … | None}``."""
        return copy.deepcopy({"baseline": self.baseline, "reform": self.reform, "difference": self.difference})

    @property
    def payers(self) -> List[str]:
        """Payer ids in every run, baseline order first."""
        ids = list(self.baseline["payers"])
        for r in self.reforms:
            ids += [p for p in r["payers"] if p not in ids]
        return ids

    def _groups(self) -> List[Dict[str, Any]]:
        return list(self.report["groups"]) if self.by else [self.report["total"]]

    def _key(self, g: Dict[str, Any]) -> Dict[str, Any]:
        key = g.get("key") or []
        return {b: (key[i] if i < len(key) else None) for i, b in enumerate(self.by)}

    @property
    def frame(self) -> Any:
        """The tidy table: one row per group, scenario and measure (``participants``,
        ``eligible``, the money totals, ``payer:<id>``, ``priority:<id>``, ``category:<id>``),
        with ``difference`` from the baseline for the reforms' rows, and ``estimate`` true
        where the value rests on :attr:`assumptions`."""
        rows: List[Dict[str, Any]] = []
        for g in self._groups():
            key = self._key(g)
            runs = g["scenarios"]
            base = dict(_measures(_totals(runs[0], self._whole, self.baseline["as_of"], 0, 0, [])))
            for k, t in enumerate(runs):
                estimated = ([self.baseline] + self.reforms)[k]["estimated"]
                for m, v in _measures(_totals(t, self._whole, self.baseline["as_of"], 0, 0, [])):
                    diff = None if k == 0 else v - base.get(m, 0 if not isinstance(v, Decimal) else Decimal(0))
                    rows.append(
                        {
                            **key,
                            "scenario": t["pack"],
                            "measure": m,
                            "value": Decimal(v),
                            "difference": None if diff is None else Decimal(diff),
                            "estimate": _estimate(m, estimated),
                        }
                    )
        return _table(rows, self.by + ["scenario", "measure", "value", "difference", "estimate"], self._like)

    @property
    def changes(self) -> Any:
        """Winners and losers under each reform, by group: those eligible under both who pay
        less (``winners``), more (``losers``) or the same; those eligible only under the reform
        (``gained``) or only today (``lost``); the change in their net fees, in total and per
        participant (rounded half away from zero to the pack's decimals)."""
        rows: List[Dict[str, Any]] = []
        for g in self._groups():
            key = self._key(g)
            for c in g["changes"]:
                r: Dict[str, Any] = {**key, "reform": c["reform"]}
                for k in _CHANGES:
                    v = c.get(k)
                    r[k] = None if v is None else (_dec(v, self._whole) if k in ("winners", "losers", "unchanged", "gained", "lost") else Decimal(v))
                rows.append(r)
        return _table(rows, self.by + ["reform", *_CHANGES], self._like)

    def __repr__(self) -> str:
        b = self.baseline
        s = f"<BudgetSummary {b['pack']} as_of={b['as_of']} rows={b['rows']} net_fee={b['net_fee']} subsidy_total={b['subsidy_total']}"
        if self.by:
            s += f" by={self.by} groups={len(self.report['groups'])}"
        for r in self.reforms:
            d = _difference(self.baseline, r)
            s += f" | reform {r['pack']}: net_fee {d['net_fee']:+} subsidy_total {d['subsidy_total']:+}"
        if self.assumptions:
            s += f" | estimates, resting on: {', '.join(a['parameter'] for a in self.assumptions)}"
        return s + ">"

    def _repr_html_(self) -> str:
        e = html.escape
        runs = [self.baseline] + self.reforms
        head = "".join(f"<th>{e(str(r['pack']))}</th>" for r in runs)
        body = ""
        for m, _ in _measures(self.baseline):
            cells = "".join(
                f"<td>{e(str(dict(_measures(r)).get(m, '')))}{'*' if _estimate(m, r['estimated']) else ''}</td>" for r in runs
            )
            body += f"<tr><td>{e(m)}</td>{cells}</tr>"
        notes = "".join(
            f"<li>{e(a['parameter'])} = {e(a['value'] or '—')}: {e(a['reason']['zh'])} / {e(a['reason']['en'])}</li>"
            for a in self.assumptions
        )
        errs = "".join(f"<li>{e(x)}</li>" for x in self.baseline.get("first_errors", []))
        return (
            f"<div><b>{e(str(self.baseline['pack']))}</b> as of {e(str(self.baseline['as_of']))}, {self.baseline['rows']} rows"
            f"<table><thead><tr><th>measure</th>{head}</tr></thead><tbody>{body}</tbody></table>"
            + (f"<p>* 估算 estimate — rests on values the source document does not state:</p><ul>{notes}</ul>" if notes else "")
            + (f"<p>First errors:</p><ul>{errs}</ul>" if errs else "")
            + "</div>"
        )


def synthetic(policy: Policy, n: int, seed: int = 0) -> Any:
    """``n`` synthetic participants shaped for ``policy``, reproducible from ``seed``, as a
    pyarrow Table: ``id``, one column per input field, ``tags`` (list of strings). The rates
    it draws from are ``huimin_core::population::TAG_RATES`` (see the core's docs)."""
    return policy.synthetic(n, seed)


def _lazy_reader(lazy: Any) -> Any:
    """A polars LazyFrame run by polars' streaming engine, handed over a chunk at a time."""
    import pyarrow as pa

    chunks = iter(lazy.collect_batches(chunk_size=65_536, lazy=True))
    first = next(chunks, None)
    head = (first if first is not None else lazy.head(0).collect()).to_arrow()

    def batches() -> Any:
        yield from head.to_batches()
        for df in chunks:
            yield from df.to_arrow().cast(head.schema).to_batches()

    return pa.RecordBatchReader.from_batches(head.schema, batches())


def _stream(population: Any) -> tuple:  # type: ignore[type-arg]
    """An Arrow stream of the population, its number of rows when known, and the frame
    library to answer in."""
    import pyarrow as pa

    name = type(population).__name__
    mod = type(population).__module__.split(".")[0]
    if mod == "polars" and name == "LazyFrame":
        return _lazy_reader(population), None, "polars"
    if mod == "pyarrow" and hasattr(population, "scanner") and hasattr(population, "count_rows"):
        return population.scanner().to_reader(), population.count_rows(), "pyarrow"  # a dataset
    if isinstance(population, pa.RecordBatchReader):
        return population, None, "pyarrow"
    like, table = _frames.to_arrow(population)
    if like in ("arrow",):
        return table, None, "pyarrow"
    table = pa.table(table)
    return table, table.num_rows, (like if like in ("pandas", "polars") else "pyarrow")


def simulate(
    policy: Policy,
    population: Any,
    reform: Optional[Policy] = None,
    *,
    reforms: Optional[Sequence[Policy]] = None,
    by: Union[str, Sequence[str], None] = None,
    weight: Optional[str] = None,
    keep: Union[str, Sequence[str], None] = None,
    rows: bool = False,
    as_of: Optional[_frames.DateLike] = None,
    progress: Union[bool, None, Callable[[int], Any]] = None,
    floats: _frames.Floats = "refuse",
    extra: _frames.Extra = "refuse",
) -> BudgetSummary:
    """Totals a population under ``policy`` and every reform (``reform``, or ``reforms``) in one
    pass over the data, in Rust on all cores with the GIL released, on the column path.

    ``population``: a pandas or polars DataFrame, a polars LazyFrame (run by its streaming
    engine), a pyarrow Table, RecordBatchReader or dataset (streamed a batch at a time), any
    object with ``__arrow_c_stream__``, or a list of dicts. ``by``: columns to group by — any
    input or passed-through column (district, school…) — or ``"@category"`` / ``"@priority"``,
    the participant's category or first priority group under the baseline. ``weight``: a column of exact
    non-negative weights with at most 6 decimals (a float column is read from its shortest
    decimal text; a row without a weight is counted in error). ``rows=True`` also gives each
    participant's results (:attr:`BudgetSummary.rows`: ``id``, the ``keep`` columns, per
    scenario ``eligible``, ``net_fee``, ``subsidy_total`` — the k-th reform's suffixed
    ``_r<k>`` — and ``net_fee_change_r<k>``, ``error``). ``as_of`` is required: a run that
    silently used today would change over time.

    A progress bar (tqdm, when installed) shows on populations of at least 200 000 rows (or of
    unknown size), or always with ``progress=True``; pass a callable to receive the count of
    rows done instead. Ctrl-C stops the run between slices of 65 536 rows and raises
    ``KeyboardInterrupt``. Float input columns are refused unless ``floats="shortest"``;
    columns the packs do not read are refused unless ``extra="ignore"`` (``by`` and ``weight``
    columns are the run's, never refused). A row that cannot be evaluated is counted in
    ``errors`` and named in ``first_errors`` (``row N``, from 0); the rest go on."""
    if as_of is None:
        raise TypeError("simulate() needs as_of=: a population run on 'today' would change from day to day")
    scenarios = ([reform] if reform is not None else []) + list(reforms or [])
    cols: List[str] = [by] if isinstance(by, str) else list(by or [])
    kept: List[str] = [keep] if isinstance(keep, str) else list(keep or [])
    stream, count, like = _stream(population)
    when = _frames.as_of_text(as_of)
    bar = _progress_for(progress, count, policy.id)
    try:
        text, table = policy._core.tally_arrow([r._core for r in scenarios], stream, when, cols, kept, weight, rows, bar, floats, extra)
    finally:
        if isinstance(bar, _Progress):
            bar.close()
    summary = _summary(policy, scenarios, text, like, weighted=weight is not None)
    if rows:
        summary.rows = _frames.from_arrow(table, like) if table is not None else None
    return summary


def _summary(policy: Policy, scenarios: Sequence[Policy], text: str, like: str, weighted: bool) -> BudgetSummary:
    """The summary of a run's report (JSON text); warns of the columns the packs do not read."""
    report = json.loads(text)
    labels: Dict[str, Dict[str, str]] = dict(policy.payers)
    for r in scenarios:
        labels.update({k: v for k, v in r.payers.items() if k not in labels})
    if report.get("overflow"):
        raise ArithmeticError("a total passed the range huimin keeps exactly (about 1.7e38 units): the totals are not given")
    summary = BudgetSummary(report, labels, policy.period, like, weighted=weighted)
    if summary.unused:
        import warnings

        from ._errors import UnusedWarning

        warnings.warn(UnusedWarning(f"columns the packs do not read: {', '.join(summary.unused)}"), stacklevel=3)
    return summary


