"""Population runs: a budget under a policy, and the difference under a reform."""

from __future__ import annotations

import copy
import datetime as _dt
import html
import json
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Union

from . import _frames
from ._policy import Policy

__all__ = ["simulate", "synthetic", "BudgetSummary"]

_MONEY = ("gross_fee", "reduction_total", "net_fee", "subsidy_total")
_COUNTS = ("participants", "eligible", "errors")
#: Populations at least this large show a progress bar (when tqdm is installed).
PROGRESS_THRESHOLD = 200_000


def _budget(text: str) -> Dict[str, Any]:
    b: Dict[str, Any] = json.loads(text)
    for k in _MONEY:
        b[k] = Decimal(b[k])
    b["payers"] = {p: Decimal(v) for p, v in b["payers"].items()}
    b["as_of"] = _dt.date.fromisoformat(b["as_of"])
    return b


def _difference(base: Dict[str, Any], reform: Dict[str, Any]) -> Dict[str, Any]:
    """``reform − baseline`` for every total, payer and count (exact)."""
    d: Dict[str, Any] = {k: reform[k] - base[k] for k in _MONEY + _COUNTS}
    for section, zero in (("payers", Decimal(0)), ("priority_groups", 0), ("categories", 0)):
        keys = list(base[section]) + [k for k in reform[section] if k not in base[section]]
        d[section] = {k: reform[section].get(k, zero) - base[section].get(k, zero) for k in keys}
    return d


class _Progress:
    """A tqdm bar fed between slices of the run (cumulative counts, from the calling thread)."""

    def __init__(self, total: int, desc: str) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=total, desc=desc, unit="row", unit_scale=True)

    def __call__(self, done: int) -> None:
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


def _progress_for(progress: Union[bool, None, Callable[[int], Any]], rows: int, desc: str) -> Any:
    if callable(progress):
        return progress
    if progress is False or (progress is None and rows < PROGRESS_THRESHOLD):
        return None
    try:
        return _Progress(rows, desc)
    except ImportError:
        return None


class BudgetSummary:
    """The totals of a population run under a policy and, optionally, a reform.

    :attr:`baseline`, :attr:`reform` and :attr:`difference` (``reform − baseline``) are dicts
    with money as Decimal: ``participants eligible errors first_errors gross_fee reduction_total
    net_fee subsidy_total payers{id: amount} priority_groups{id: count} categories{id: count}``.
    :attr:`frame` lays the money out as a table (pandas if installed, else pyarrow),
    :attr:`counts` the participant counts by priority group and category.
    """

    def __init__(
        self,
        baseline: Dict[str, Any],
        reform: Optional[Dict[str, Any]],
        payer_labels: Dict[str, Dict[str, str]],
        scale: int,
        period: Optional[str] = None,
    ) -> None:
        self.baseline = baseline
        self.reform = reform
        self.difference = _difference(baseline, reform) if reform is not None else None
        self.payer_labels = payer_labels
        self.scale = scale
        #: The period the amounts are for (``month``, ``semester``…).
        self.period = period

    def to_dict(self) -> Dict[str, Any]:
        """``{"baseline": …, "reform": … | None, "difference": … | None}``."""
        return copy.deepcopy({"baseline": self.baseline, "reform": self.reform, "difference": self.difference})

    @property
    def payers(self) -> List[str]:
        """Payer ids in both runs, baseline order first."""
        ids = list(self.baseline["payers"])
        if self.reform is not None:
            ids += [p for p in self.reform["payers"] if p not in ids]
        return ids

    def _rows(self, money: bool) -> List[Dict[str, Any]]:
        rows: List[Dict[str, Any]] = []
        runs = [self.baseline, self.reform, self.difference]

        def add(section: str, key: str, within: Optional[str], zero: Any) -> None:
            vals = [None if r is None else (r[key] if within is None else r[within].get(key, zero)) for r in runs]
            rows.append({"section": section, "item": key, "baseline": vals[0], "reform": vals[1], "difference": vals[2]})

        if money:
            for k in _MONEY:
                add("total", k, None, None)
            for p in self.payers:
                add("payer", p, "payers", Decimal(0))
        else:
            for k in _COUNTS:
                add("count", k, None, None)
            for section, name in (("priority_groups", "priority_group"), ("categories", "category")):
                keys = list(self.baseline[section])
                if self.reform is not None:
                    keys += [k for k in self.reform[section] if k not in keys]
                for g in keys:
                    add(name, g, section, 0)
        return rows

    def _table(self, money: bool) -> Any:
        import pyarrow as pa

        value = pa.decimal128(38, self.scale) if money else pa.int64()
        schema = pa.schema([("section", pa.string()), ("item", pa.string()), ("baseline", value), ("reform", value), ("difference", value)])
        t = pa.Table.from_pylist(self._rows(money), schema=schema)
        try:
            import pandas  # noqa: F401
        except ImportError:
            return t
        return _frames.from_arrow(t, "pandas")

    @property
    def frame(self) -> Any:
        """Money by total and by payer: ``section item baseline reform difference``."""
        return self._table(money=True)

    @property
    def counts(self) -> Any:
        """Participants, eligible, errors, and eligible participants by priority group and
        category: ``section item baseline reform difference``."""
        return self._table(money=False)

    def __repr__(self) -> str:
        b = self.baseline
        s = f"<BudgetSummary {b['pack']} as_of={b['as_of']} participants={b['participants']} net_fee={b['net_fee']} subsidy_total={b['subsidy_total']}"
        if self.difference is not None and self.reform is not None:
            s += f" | reform {self.reform['pack']}: net_fee {self.difference['net_fee']:+} subsidy_total {self.difference['subsidy_total']:+}"
        return s + ">"

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            "<tr>" + "".join(f"<td>{e('' if r[k] is None else str(r[k]))}</td>" for k in ("section", "item", "baseline", "reform", "difference")) + "</tr>"
            for r in self._rows(True) + self._rows(False)
        )
        errs = "".join(f"<li>{e(x)}</li>" for x in self.baseline.get("first_errors", []))
        return (
            f"<div><b>{e(str(self.baseline['pack']))}</b> as of {e(str(self.baseline['as_of']))}"
            "<table><thead><tr><th>section</th><th>item</th><th>baseline</th><th>reform</th><th>difference</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>" + (f"<p>First errors:</p><ul>{errs}</ul>" if errs else "") + "</div>"
        )


def synthetic(policy: Policy, n: int, seed: int = 0) -> Any:
    """``n`` synthetic participants shaped for ``policy``, reproducible from ``seed``, as a
    pyarrow Table: ``id``, one column per input field, ``tags`` (list of strings). The rates
    it draws from are ``huimin_core::population::TAG_RATES`` (see the core's docs)."""
    return policy.synthetic(n, seed)


def simulate(
    policy: Policy,
    population: Any,
    reform: Optional[Policy] = None,
    *,
    as_of: Optional[_frames.DateLike] = None,
    progress: Union[bool, None, Callable[[int], Any]] = None,
    floats: _frames.Floats = "refuse",
    extra: _frames.Extra = "refuse",
) -> BudgetSummary:
    """Evaluates a population (pandas/polars DataFrame, pyarrow Table or a list of dicts)
    under ``policy`` and, when given, under ``reform``, in Rust on all cores with the GIL
    released, and totals it: by payer, by priority group, and the difference under the reform.

    ``as_of`` defaults to today. A progress bar (tqdm, when installed) shows on populations of
    at least 200 000 rows, or always with ``progress=True``; pass a callable to receive the
    count of rows done instead. Ctrl-C stops the run between slices of 65 536 rows and raises
    ``KeyboardInterrupt``. Float columns are read as in :meth:`Policy.evaluate_frame`:
    refused unless ``floats="shortest"``; a column named after a tag is that tag, and other
    columns the pack does not read are refused unless ``extra="ignore"``."""
    import pyarrow as pa

    _, arrow = _frames.to_arrow(population)
    table = pa.table(arrow)
    when = _frames.as_of_text(as_of if as_of is not None else _dt.date.today())

    def run(p: Policy, label: str) -> Dict[str, Any]:
        bar = _progress_for(progress, table.num_rows, f"{p.id} ({label})")
        try:
            return _budget(p._core.simulate_arrow(table, when, bar, floats, extra))
        finally:
            if isinstance(bar, _Progress):
                bar.close()

    baseline = run(policy, "baseline")
    reformed = run(reform, "reform") if reform is not None else None
    labels = dict(policy.payers)
    if reform is not None:
        labels.update({k: v for k, v in reform.payers.items() if k not in labels})
    scale = max(int(policy.rounding.get("scale", 2)), int(reform.rounding.get("scale", 2)) if reform is not None else 0)
    return BudgetSummary(baseline, reformed, labels, scale, policy.period)
