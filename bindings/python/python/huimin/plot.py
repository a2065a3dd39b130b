"""Charts for budget summaries (matplotlib, imported only when a chart is drawn)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, List, Optional

from ._simulate import BudgetSummary

__all__ = ["budget"]


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
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("huimin.plot needs matplotlib: pip install 'huimin[plot]'") from e

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
