"""A primary school's after-dismissal supervision (篇七): primary pupils whose parents applied
in writing and signed the safety agreement; pupils with nobody at home are the focus group; the
fee is set locally — here the example values file's 150.00 a semester, paid by parents. An
ineligible pupil is told each unmet requirement."""

import random
from datetime import date
from decimal import Decimal

from common import ZERO, maybe, outcome

PACK = "pian7-school-2017"
DATES = [date(2017, 3, 1), date(2021, 9, 6), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    unmet = []
    if p["stage"] != "primary":
        unmet.append("primary_pupil")
    if not p["applied"]:
        unmet.append("applied")
    groups = ["unattended"] if p.get("unattended", False) else []
    fee = Decimal("150.00")
    o = outcome(not unmet, fee, ZERO, ZERO, {"parents": fee}, groups)
    o["extra"] = {"reasons": ";".join(unmet)}
    return o


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"s{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]), "applied": r.random() < 0.8}
    maybe(r, p, "unattended", r.random() < 0.4, 0.3)
    return p
