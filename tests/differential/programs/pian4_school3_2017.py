"""A primary school's after-school service (篇四, the third school plan): primary pupils whose
parent signed the application and the school reviewed it; no relief; the fee is set locally —
here the example values file's 180.00 a semester, paid by parents. An ineligible pupil is told
each unmet requirement."""

import random
from datetime import date
from decimal import Decimal

from common import flat_fee, unmet_by_school_pupil

PACK = "pian4-school3-2017"
DATES = [date(2017, 3, 1), date(2021, 9, 6), date(2030, 1, 1)]


def reference(p: dict, as_of: date) -> dict:
    return flat_fee(unmet_by_school_pupil(p, ("primary",), "primary_pupil"), Decimal("180.00"))


def generate(r: random.Random, i: int) -> dict:
    return {"id": f"s{i}", "stage": r.choice(["primary", "primary", "junior", "preschool"]), "applied": r.random() < 0.8}
