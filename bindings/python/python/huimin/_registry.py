"""A deployment's packs loaded once, and "what can this family get?" in one call."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _core, _frames
from ._decision import _money
from ._policy import Policy, _json_default


def _screening(text: str) -> Dict[str, Any]:
    """The screening's JSON with every amount a Decimal."""
    s: Dict[str, Any] = json.loads(text)
    for line in s["lines"]:
        o = line["outcome"]
        if o.get("status") == "eligible":
            _money(o)
            if o.get("net_fee_per_year") is not None:
                o["net_fee_per_year"] = Decimal(o["net_fee_per_year"])
    s["family_pays_per_year"] = Decimal(s["family_pays_per_year"])
    s["per_year_by_payer"] = {k: Decimal(v) for k, v in s["per_year_by_payer"].items()}
    return s


class Registry:
    """Packs loaded once — a deployment's programs, each with the values its authorities set —
    selected by date when a household is screened (two versions of one program resolve by date).
    Load a directory with :meth:`load`, or gather compiled policies with :meth:`of`."""

    __slots__ = ("_core",)

    def __init__(self, core: _core.Registry) -> None:
        if not isinstance(core, _core.Registry):
            raise TypeError("use Registry.load(directory) or Registry.of(policies)")
        self._core = core

    @classmethod
    def load(
        cls,
        packs: Union[str, "os.PathLike[str]"],
        values: Optional[Union[str, "os.PathLike[str]"]] = None,
    ) -> "Registry":
        """Every ``*.yaml`` pack of the directory ``packs``; each takes ``<id>.yaml`` or, failing
        that, ``<id>.example.yaml`` from the directory ``values`` when given."""
        return cls(_core.Registry.load(os.fspath(packs), None if values is None else os.fspath(values)))

    @classmethod
    def of(cls, policies: Iterable[Policy]) -> "Registry":
        """A registry of compiled policies, in the order given."""
        return cls(_core.Registry.of([p._core for p in policies]))

    @property
    def ids(self) -> List[str]:
        """The pack ids, in order."""
        return list(self._core.ids)

    def screen(self, household: Mapping[str, Any], as_of: _frames.DateLike, *, where: Optional[str] = None) -> Dict[str, Any]:
        """Screens a household ``{"id": …, "members": [participant, …]}`` under every program in
        force on ``as_of`` (only one place's with ``where="南京"``): one line per member and
        program with its ``outcome`` — ``eligible`` (what the family pays, what is paid for the
        member, payers, periods a year, estimates, services, documents), ``not_eligible`` (the
        reasons with their clauses) or ``needs`` (the inputs to add, or a value an authority
        sets) — and the yearly totals. Amounts are :class:`decimal.Decimal`."""
        text = json.dumps(dict(household), default=_json_default, ensure_ascii=False)
        return _screening(self._core.screen_json(text, _frames.as_of_text(as_of), where))

    def __repr__(self) -> str:
        return f"<Registry {len(self.ids)} packs>"


def screen(household: Mapping[str, Any], as_of: _frames.DateLike, registry: Registry, *, where: Optional[str] = None) -> Dict[str, Any]:
    """``registry.screen(household, as_of, where=where)``: what each member of a household can
    get from every program in force."""
    return registry.screen(household, as_of, where=where)
