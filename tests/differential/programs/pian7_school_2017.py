"""A primary school's after-dismissal supervision (篇七): primary pupils whose parents applied
in writing and signed the safety agreement; pupils with nobody at home are the focus group; the
fee is set locally — here the example values file's 150.00 a semester, paid by parents. An
ineligible pupil is told each unmet requirement."""

import random
from datetime import date
from decimal import Decimal

from common import flat_fee, maybe, unmet_by_school_pupil

PACK = "pian7-school-2017"
DATES = [date(2017, 3, 1), date(2021, 9, 6), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    groups = ["unattended"] if p.get("unattended", False) else []
    return flat_fee(unmet_by_school_pupil(p, ("primary",), "primary_pupil"), Decimal("150.00"), groups)


def generate(r: random.Random, i: int) -> dict:
    p = {"id": f"s{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]), "applied": r.random() < 0.8}
    maybe(r, p, "unattended", r.random() < 0.4, 0.3)
    return p
