"""Charts for budget summaries (matplotlib, imported only when a chart is drawn).

Labels are often Chinese (districts, schools, payers): when matplotlib's font is its default
and a CJK font is installed (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, YaHei, PingFang),
the first chart adds it as the fallback for glyphs the default font lacks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, List, Optional

from ._simulate import BudgetSummary

__all__ = ["budget", "change_by_group", "change_distribution"]


_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
        from matplotlib import font_manager, rcParams
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("huimin.plot needs matplotlib: pip install 'huimin[plot]'") from e
    if list(rcParams["font.family"]) == ["sans-serif"]:
        have = {f.name for f in font_manager.fontManager.ttflist}
        cjk = [n for n in _CJK if n in have]
        if cjk:
            rcParams["font.family"] = ["DejaVu Sans", cjk[0]]
    return plt


def _shares(payers: List[str], amounts: dict) -> List[float]:  # type: ignore[type-arg]
    total = sum((amounts.get(p, Decimal(0)) for p in payers), Decimal(0))
    return [float(amounts.get(p, Decimal(0)) / total * 100) if total else 0.0 for p in payers]


def budget(summary: BudgetSummary, *, value: str = "share", lang: str = "en", ax: Optional[Any] = None) -> Any:
    """A bar chart of what each payer pays, baseline next to reform.

    ``value="share"`` (default) plots each payer's share of all payments in percent, with the
    amounts written on the bars; ``value="amount"`` plots the amounts (yuan per period).
    ``lang`` picks the payer labels (``"en"`` or ``"zh"``; Chinese needs a CJK font).
    Draws on ``ax`` (a matplotlib Axes) or a new figure; returns the Axes."""
    if value not in ("share", "amount"):
        raise ValueError("value must be 'share' or 'amount'")
    plt = _pyplot()

    if ax is None:
        _, ax = plt.subplots(figsize=(max(5.0, 2.0 * len(summary.payers) + 2.5), 3.8), layout="constrained")
    payers = summary.payers
    labels = [summary.payer_labels.get(p, {}).get(lang) or p for p in payers]
    runs = [("baseline", summary.baseline)]
    if summary.reform is not None:
        runs.append(("reform", summary.reform))
    width = 0.8 / len(runs)
    for k, (name, run) in enumerate(runs):
        amounts = [run["payers"].get(p, Decimal(0)) for p in payers]
        shares = _shares(payers, run["payers"])
        heights = shares if value == "share" else [float(a) for a in amounts]
        xs = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(payers))]
        bars = ax.bar(xs, heights, width * 0.95, label=name)
        notes = [f"{s:.1f}%\n¥{a:,.0f}" for a, s in zip(amounts, shares)]
        ax.bar_label(bars, labels=notes, fontsize=8, padding=2)
    ax.set_xticks(list(range(len(payers))))
    ax.set_xticklabels(labels)
    if value == "share":
        ax.set_ylabel("share of all payments (%)")
        ax.set_ylim(0, 118)
    else:
        ax.set_ylabel(f"yuan per {summary.period}" if summary.period else "yuan")
        ax.set_ylim(0, ax.get_ylim()[1] * 1.18)
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    title = f"Who pays — {summary.baseline['pack']}, as of {summary.baseline['as_of']}"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return ax


def change_by_group(summary: BudgetSummary, *, measure: str = "net_fee", reform: int = 1, ax: Optional[Any] = None) -> Any:
    """A bar chart of a reform's change in ``measure`` (``net_fee``, ``subsidy_total``,
    ``payer:<id>``…) for each group of a run made with ``by=``: reform − baseline, in yuan per
    period. ``reform`` is the reform's place (1 for the first). Returns the Axes."""
    plt = _pyplot()
    if not summary.by:
        raise ValueError("change_by_group needs a run grouped with simulate(..., by=...)")
    if not 1 <= reform <= len(summary.reforms):
        raise ValueError(f"reform must be 1..{len(summary.reforms)}")
    pack = summary.reforms[reform - 1]["pack"]
    groups, changes = [], []
    for g in summary.report["groups"]:
        runs = {t["pack"]: t for t in g["scenarios"]}
        key = " / ".join("—" if v is None else str(v) for v in g["key"])

        def value(t: dict) -> Decimal:  # type: ignore[type-arg]
            kind, _, name = measure.partition(":")
            if kind == "payer":
                return Decimal(t["payers"].get(name, "0"))
            return Decimal(t[measure])

        groups.append(key)
        changes.append(value(runs[pack]) - value(g["scenarios"][0]))
    if ax is None:
        _, ax = plt.subplots(figsize=(max(5.0, 0.7 * len(groups) + 2.5), 3.8), layout="constrained")
    bars = ax.bar(range(len(groups)), [float(c) for c in changes], color=["tab:green" if c < 0 else "tab:red" for c in changes])
    ax.bar_label(bars, labels=[f"{c:+,}" for c in changes], fontsize=8, padding=2)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(list(range(len(groups))))
    ax.set_xticklabels(groups, rotation=30, ha="right")
    ax.set_ylabel(f"change in {measure}, yuan per {summary.period}" if summary.period else f"change in {measure}")
    ax.set_title(f"{pack} against {summary.baseline['pack']}, by {', '.join(summary.by)}", fontsize=10)
    return ax


def change_distribution(summary: BudgetSummary, *, reform: int = 1, bins: int = 30, ax: Optional[Any] = None) -> Any:
    """A histogram of each participant's change in net fee under a reform (reform −
    baseline, those eligible under both), from a run made with ``rows=True``. Each row counts
    once: a run's weights are not applied here. Returns the Axes."""
    plt = _pyplot()
    if summary.rows is None:
        raise ValueError("change_distribution needs simulate(..., rows=True)")
    column = f"net_fee_change_r{reform}"
    rows = summary.rows
    values = rows[column].to_list() if hasattr(rows[column], "to_list") else rows.column(column).to_pylist()
    changes = [float(v) for v in values if v is not None and v == v]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.8), layout="constrained")
    ax.hist(changes, bins=bins, color="tab:blue")
    ax.set_xlabel(f"change in net fee per participant, yuan per {summary.period}" if summary.period else "change in net fee")
    ax.set_ylabel("participants")
    pack = summary.reforms[reform - 1]["pack"] if reform <= len(summary.reforms) else "?"
    ax.set_title(f"{pack}: who pays how much more or less", fontsize=10)
    return ax
