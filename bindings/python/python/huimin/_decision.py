"""The decision for one participant: the core's JSON, with money as ``decimal.Decimal``."""

from __future__ import annotations

import copy
import datetime as _dt
import html
import json
from decimal import Decimal
from typing import Any, Dict, List, Optional

__all__ = ["Decision"]

_TOTALS = ("gross_fee", "reduction_total", "net_fee", "subsidy_total")
_LINES = ("fees", "reductions", "subsidies")


def _money(d: Dict[str, Any]) -> Dict[str, Any]:
    """Turns every amount of freshly parsed decision JSON into a Decimal, in place (amounts are
    exact decimal strings such as ``"170.00"``; ``Decimal`` keeps every digit and the scale)."""
    for k in _TOTALS:
        if isinstance(d.get(k), str):
            d[k] = Decimal(d[k])
    d["payers"] = {p: Decimal(v) for p, v in (d.get("payers") or {}).items()}
    for k in _LINES:
        for line in d.get(k) or []:
            line["amount"] = Decimal(line["amount"])
    for a in d.get("splits") or []:
        a["amount"] = Decimal(a["amount"])
        a["parts"] = {p: Decimal(v) for p, v in (a.get("parts") or {}).items()}
    for e in d.get("entitlements") or []:
        e["count"] = Decimal(e["count"])
    if isinstance(d.get("as_of"), str):
        d["as_of"] = _dt.date.fromisoformat(d["as_of"])
    return d


def _label(t: Any) -> str:
    """A bilingual ``{zh, en}`` label (or plain text) as one line."""
    if isinstance(t, dict):
        zh, en = t.get("zh", ""), t.get("en", "")
        return en if not zh or zh == en else f"{zh} ({en})"
    return str(t or "")


def _cite(c: Optional[Dict[str, Any]]) -> str:
    if not c:
        return ""
    return f"{c.get('document', '')} {c.get('clause', '')}：「{c.get('text', '')}」"


class Decision:
    """The decision for one participant as of one date.

    Attributes mirror the core's JSON (``fixtures/README.md``); amounts are
    :class:`decimal.Decimal` at the pack's scale, never floats. :meth:`to_dict` gives the
    whole decision as plain data, :meth:`to_json` the core's JSON text exactly, and
    :meth:`explain` the steps with their citations (in Jupyter, the decision renders as a
    table).
    """

    __slots__ = (
        "_core",
        "_json",
        "_data",
        "pack",
        "participant",
        "as_of",
        "fingerprint",
        "engine",
        "period",
        "eligible",
        "reasons",
        "category",
        "priority_groups",
        "fees",
        "gross_fee",
        "reductions",
        "reduction_total",
        "net_fee",
        "subsidies",
        "subsidy_total",
        "payers",
        "splits",
        "entitlements",
        "assumptions",
        "estimated",
        "documents",
        "steps",
        "plain",
    )

    pack: str
    participant: Optional[str]
    as_of: _dt.date
    #: The SHA-256 of the pack's canonical text (:attr:`Policy.fingerprint`): with
    #: :attr:`pack`, :attr:`as_of` and :attr:`engine`, the receipt an appeal reproduces the
    #: answer from.
    fingerprint: str
    #: The huimin version that decided.
    engine: str
    period: str
    eligible: bool
    reasons: List[Dict[str, Any]]
    category: Optional[str]
    priority_groups: List[str]
    fees: List[Dict[str, Any]]
    gross_fee: Decimal
    reductions: List[Dict[str, Any]]
    reduction_total: Decimal
    net_fee: Decimal
    subsidies: List[Dict[str, Any]]
    subsidy_total: Decimal
    payers: Dict[str, Decimal]
    splits: List[Dict[str, Any]]
    entitlements: List[Dict[str, Any]]
    #: The values the source does not state that this decision rests on (estimates).
    assumptions: List[Dict[str, Any]]
    #: The fields that rest on :attr:`assumptions` (``net_fee``, ``payers.district``…).
    estimated: List[str]
    #: What an eligible participant brings to apply: ``{"document", "name", "cite"}``.
    documents: List[Dict[str, Any]]
    steps: List[Dict[str, Any]]
    #: The explanation for the applicant (with ``explain=True``): only what changed the
    #: answer, in plain zh/en sentences, each clause quoted once (``{"rule", "kind", "text",
    #: "amount"?, "estimate"?, "cite"?}``).
    plain: List[Dict[str, Any]]

    def __init__(self, json_text: str) -> None:
        self._core = None
        self._load(json_text)

    @classmethod
    def _of(cls, core: Any) -> "Decision":
        """A decision kept by the extension (``huimin._core.Decision``): the totals are read
        from it directly, and the whole JSON only when another field is first read."""
        d = cls.__new__(cls)
        object.__setattr__(d, "_core", core)
        return d

    def _load(self, json_text: str) -> None:
        object.__setattr__(self, "_json", json_text)
        data = _money(json.loads(json_text))
        object.__setattr__(self, "_data", data)
        for k in ("assumptions", "estimated", "documents", "plain"):
            object.__setattr__(self, k, [])
        for k, v in data.items():
            if k in Decision.__slots__:
                object.__setattr__(self, k, v)

    def __getattr__(self, name: str) -> Any:
        # Called only for a slot not yet filled: a decision made by `_of` fills its slots
        # from the core's JSON on first need, the totals alone without it.
        core = object.__getattribute__(self, "_core")
        if core is None or name not in Decision.__slots__:
            raise AttributeError(name)
        if name == "eligible":
            value: Any = core.eligible
        elif name in _TOTALS:
            value = Decimal(core.totals()[_TOTALS.index(name)])
        else:
            self._load(core.json())
            return object.__getattribute__(self, name)
        object.__setattr__(self, name, value)
        return value

    def __reduce__(self) -> Any:
        return (Decision, (self.to_json(),))

    @classmethod
    def from_json(cls, text: str) -> "Decision":
        """A decision from the core's JSON text."""
        return cls(text)

    def to_dict(self) -> Dict[str, Any]:
        """The decision as plain data: amounts as Decimal, ``as_of`` as a date."""
        return copy.deepcopy(self._data)

    def to_json(self) -> str:
        """The core's JSON text, unchanged (amounts as strings): the shape shared with the CLI
        and the WASM binding."""
        text: str = self._json
        return text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Decision) and other._data == self._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        payers = ", ".join(f"{p}={v}" for p, v in self.payers.items())
        who = f" participant={self.participant!r}" if self.participant else ""
        return (
            f"<Decision {self.pack}{who} as_of={self.as_of} eligible={self.eligible} "
            f"net_fee={self.net_fee} subsidy_total={self.subsidy_total} payers({payers})>"
        )

    # -- explanation ------------------------------------------------------------------------

    def _summary_lines(self) -> List[str]:
        who = f" · participant {self.participant}" if self.participant else ""
        lines = [f"{self.pack}{who} · as of {self.as_of} (per {self.period})"]
        if self.eligible:
            lines.append("eligible: yes" + (f" · category {self.category}" if self.category else ""))
        else:
            lines.append("eligible: no")
            for r in self.reasons:
                lines.append(f"  - {_label(r.get('message'))}" + (f"\n    {_cite(r.get('cite'))}" if r.get("cite") else ""))
        if self.priority_groups:
            lines.append("priority groups: " + ", ".join(self.priority_groups))
        lines.append(
            f"gross fee {self.gross_fee} − reductions {self.reduction_total} = net fee {self.net_fee}; "
            f"subsidies {self.subsidy_total}"
        )
        if self.payers:
            lines.append("payers: " + ", ".join(f"{p} {v}" for p, v in self.payers.items()))
        for e in self.entitlements:
            least = "at least " if e.get("at_least") else ""
            lines.append(f"entitlement {_label(e.get('label'))}: {least}{e.get('count')} per {e.get('per')}")
        if self.documents:
            lines.append("to bring: " + "; ".join(_label(d.get("name")) for d in self.documents))
        return lines

    def explain(self, audience: str = "analyst", lang: str = "zh") -> str:
        """The decision and every step that led to it, with the clause each came from; with
        ``audience="parent"``, only the sentences of :attr:`plain` in ``lang`` (``zh``/``en``)."""
        if audience == "parent":
            if lang not in ("zh", "en"):
                raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
            mark = " （估算）" if lang == "zh" else " (estimate)"
            return "\n".join(s["text"][lang] + (mark if s.get("estimate") else "") for s in self.plain)
        if audience != "analyst":
            raise ValueError(f"audience must be 'analyst' or 'parent', not {audience!r}")
        lines = self._summary_lines()
        if not self.steps:
            lines.append("(evaluated without explanation steps: use explain=True)")
            return "\n".join(lines)
        lines.append("steps:")
        for i, s in enumerate(self.steps, 1):
            inputs = ", ".join(f"{k}={v}" for k, v in (s.get("inputs") or {}).items())
            head = f"{i:>3}. [{s.get('kind')}] {s.get('rule')} — {_label(s.get('label'))}: {s.get('value')}"
            lines.append(head)
            if inputs:
                lines.append(f"       reads {inputs}")
            if s.get("detail"):
                lines.append(f"       {_label(s['detail'])}")
            if s.get("cite"):
                lines.append(f"       cite {_cite(s['cite'])}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        e = html.escape
        head = "".join(f"<div>{e(line)}</div>" for line in self._summary_lines())
        if not self.steps:
            return f"<div class='huimin-decision'>{head}<p><i>No explanation steps (explain=False).</i></p></div>"
        rows = []
        for i, s in enumerate(self.steps, 1):
            inputs = "<br>".join(f"<code>{e(k)}</code> = {e(str(v))}" for k, v in (s.get("inputs") or {}).items())
            c = s.get("cite") or {}
            cite = ""
            if c:
                gloss = f"<br><i>{e(c.get('en') or '')}</i>" if c.get("en") else ""
                cite = (
                    f"<b>{e(c.get('document', ''))}</b> {e(c.get('clause', ''))}<br>"
                    f"「{e(c.get('text', ''))}」{gloss}"
                )
            rows.append(
                "<tr>"
                f"<td>{i}</td><td>{e(str(s.get('kind', '')))}</td><td><code>{e(str(s.get('rule', '')))}</code></td>"
                f"<td>{e(_label(s.get('label')))}</td><td>{inputs}</td>"
                f"<td><b>{e(str(s.get('value', '')))}</b></td><td>{e(_label(s.get('detail')))}</td>"
                f"<td style='text-align:left'>{cite}</td>"
                "</tr>"
            )
        table = (
            "<table><thead><tr><th>#</th><th>kind</th><th>rule</th><th>label</th><th>inputs</th>"
            "<th>value</th><th>detail</th><th>citation</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
        return f"<div class='huimin-decision'>{head}{table}</div>"
